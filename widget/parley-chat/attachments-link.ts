import { html, nothing, svg, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ChatMessage, EngineOptions } from '../../worker/api.ts';
import type { AttachmentsUi } from '../attachments/attachments.ts';
import { accepts, DEFAULT_ACCEPT, DEFAULT_MAX_FILE_SIZE } from '../attachments/defaults.ts';
import type { Strings } from '../i18n/catalogue.ts';
import type { Session } from './session.ts';

const paperclip = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9V15.5a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg>`;
/** What a voice note is, for `accept`: a page that accepts no audio gets no record button. */
const VOICE_NOTE = { name: 'voice.webm', type: 'audio/webm' };
const mic = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 15a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v7a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V22h2v-3.1a7 7 0 0 0 6-6.9z"/></svg>`;

/** What the link reads of <parley-chat> (widget/parley-chat/properties.ts). */
export interface AttachmentsLinkHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly session: Session;
  readonly accept: string | undefined;
  readonly maxFileSize: number | undefined;
  readonly offlineCacheSize: number | undefined;
  readonly options: Partial<EngineOptions> | undefined;
  _strings: Strings;
  _error: string;
}

interface AttachmentsLinkDeps {
  session: Session;
  strings(): Strings;
  locale(): string | undefined;
  /** The `accept` attribute; '' or undefined for the default. */
  accept(): string | undefined;
  /** The `max-file-size` attribute, else the engine option, in bytes. */
  maxFileSize(): number | undefined;
  /** The panel shows: drops and pastes count only then. */
  shown(): boolean;
  error(message: string): void;
}

/** The element's language as Intl takes it: a page's lang="english" falls back to the browser's. */
function locale(host: HTMLElement): string | undefined {
  const lang = host.lang || document.documentElement.lang || navigator.language;
  try {
    return Intl.NumberFormat.supportedLocalesOf([lang])[0];
  } catch {
    return undefined;
  }
}

/**
 * The element's side of attachments, always loaded and small: the paperclip and microphone
 * buttons, drag and drop onto the element and paste. The UI itself
 * (widget/attachments/attachments.ts) is imported the first time one of these is used or a
 * message with files is shown, and its styles are adopted into the shadow root then.
 */
export class AttachmentsLink implements ReactiveController {
  ui?: AttachmentsUi;
  /** Files are being dragged over the panel. */
  dragging = false;
  #loading?: Promise<AttachmentsUi>;

  private readonly deps: AttachmentsLinkDeps;

  /** `shown`: the chat is on screen (widget/parley-chat/panel-state.ts, `showing`). */
  constructor(
    private readonly host: AttachmentsLinkHost,
    shown: () => boolean,
  ) {
    host.addController(this);
    this.deps = {
      session: host.session,
      strings: () => host._strings,
      locale: () => locale(host),
      accept: () => host.accept,
      maxFileSize: () => host.maxFileSize ?? host.options?.maxFileSize,
      shown,
      error: (message) => (host._error = message),
    };
  }

  hostConnected(): void {
    this.host.addEventListener('dragover', this.#onDragover);
    this.host.addEventListener('dragleave', this.#onDragleave);
    this.host.addEventListener('drop', this.#onDrop);
    this.host.addEventListener('paste', this.#onPaste);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('dragover', this.#onDragover);
    this.host.removeEventListener('dragleave', this.#onDragleave);
    this.host.removeEventListener('drop', this.#onDrop);
    this.host.removeEventListener('paste', this.#onPaste);
  }

  hostUpdate(): void {
    if (!this.#loading && this.deps.session.messages.some((m) => Array.isArray(m.attachments) && m.attachments.length)) void this.load();
  }

  load(): Promise<AttachmentsUi> {
    this.#loading ??= import('../attachments/attachments.ts').then(({ AttachmentsUi, attachmentStyles }) => {
      const root = this.host.renderRoot as ShadowRoot;
      if (attachmentStyles.styleSheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, attachmentStyles.styleSheet];
      const d = this.deps;
      this.ui = new AttachmentsUi(this.host, {
        strings: d.strings,
        locale: d.locale,
        rules: () => ({ accept: d.accept() ?? '', maxFileSize: d.maxFileSize() ?? DEFAULT_MAX_FILE_SIZE }),
        sendNote: (note, measured) => d.session.sendFiles([note], '', [measured]).catch((e) => d.error(e instanceof Error ? e.message : String(e))),
        error: d.error,
        redraw: () => d.session.redraw(),
        cacheCap: () => this.host.offlineCacheSize,
      });
      this.host.requestUpdate();
      return this.ui;
    });
    return this.#loading;
  }

  /** Checks `files` against the rules and puts those that pass in the tray. */
  add = (files: readonly File[]): void => void (files.length && this.load().then((ui) => ui.add(files)));

  /** The files in the tray. */
  get files(): File[] {
    return this.ui?.pending.map((p) => p.file) ?? [];
  }

  /** Sends the tray's files with `text`; the tray empties once the engine has stored the message. */
  async send(text: string): Promise<void> {
    const files = this.files;
    await this.deps.session.sendFiles(files, text, await this.ui?.measure(files));
    this.ui?.clear();
  }

  #onDragover = (e: DragEvent): void => {
    if (!this.deps.shown() || !e.dataTransfer?.types.includes('Files')) return;
    // Cancelling dragover is what allows the drop (HTML §6.11.5).
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.#drag(true);
  };

  #onDragleave = (e: DragEvent): void => {
    if (!(e.relatedTarget instanceof Node && this.host.contains(e.relatedTarget))) this.#drag(false);
  };

  #onDrop = (e: DragEvent): void => {
    this.#drag(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!this.deps.shown() || !files.length) return;
    e.preventDefault();
    this.add(files);
  };

  #onPaste = (e: ClipboardEvent): void => {
    const data = e.clipboardData;
    // Some browsers list a pasted image only among the items (Clipboard API §5.3).
    const files = data?.files.length ? [...data.files] : [...(data?.items ?? [])].flatMap((i) => (i.kind === 'file' ? [i.getAsFile()!].filter(Boolean) : []));
    if (!this.deps.shown() || !files.length) return;
    // A pasted image is attached, not pasted as its file name.
    e.preventDefault();
    this.add(files);
  };

  #drag(on: boolean): void {
    if (on === this.dragging) return;
    this.dragging = on;
    this.host.toggleAttribute('dropping', on);
    this.host.requestUpdate();
  }

  #picked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    // The same file can be picked again after it was removed.
    input.value = '';
  };

  /** The paperclip (with its file picker) and microphone buttons, inside the composer. */
  renderButtons(strings: Strings): TemplateResult {
    return html`
      <input class="picker" type="file" multiple hidden accept=${this.deps.accept() || DEFAULT_ACCEPT} @change=${this.#picked} />
      <button type="button" class="tool attach" aria-label=${strings.attach} title=${strings.attach}
        @click=${() => this.host.renderRoot.querySelector<HTMLInputElement>('input.picker')?.click()}>${paperclip}</button>
      ${accepts(this.deps.accept() || DEFAULT_ACCEPT, VOICE_NOTE)
        ? html`<button type="button" class="tool record" aria-label=${strings.record} title=${strings.record}
            @click=${() => void this.load().then((ui) => ui.recorder.start())}>${mic}</button>`
        : nothing}
    `;
  }

  /** Above the composer: the drop hint, the tray, the recorder; and the viewer when open. */
  renderExtras(strings: Strings): TemplateResult {
    return html`
      ${this.dragging ? html`<div class="drop-hint">${strings.dropHere}</div>` : nothing}
      ${this.ui?.renderComposerExtras() ?? nothing}
    `;
  }

  /** A message's files; their names only, until the UI has loaded. */
  renderMessage = (m: ChatMessage): TemplateResult | typeof nothing => {
    if (!Array.isArray(m.attachments) || !m.attachments.length) return nothing;
    if (this.ui) return this.ui.renderMessage(m, this.deps.session.uploads.get(m.id));
    return html`<div class="attachments">${m.attachments.map((a) => html`<span dir="auto">${String(a?.name ?? '')}</span>`)}</div>`;
  };
}

/** What the live region says of a message: its text, then its files' names. */
export function spoken(m: ChatMessage): string {
  const names = Array.isArray(m.attachments) ? m.attachments.map((a) => String(a?.name ?? '')) : [];
  return [String(m.text), ...names].filter(Boolean).join(', ');
}
