import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Attachment, ChatMessage, UploadProgress } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';
import { renderAttachments, renderProgress } from './attachment-view.ts';
import { attachmentStyles } from './attachments.styles.ts';
import { refusal, type FileRules } from './file-rules.ts';
import { measure, type Measured } from './measure.ts';
import { DEFAULT_CACHE_CAP, OfflineCache } from './offline-cache.ts';
import { VoiceRecorder } from './recorder.ts';
import { pendingFile, renderTray, type PendingFile } from './tray.ts';
import { Viewer } from './viewer.ts';

export { attachmentStyles };

export interface AttachmentsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface AttachmentsDeps {
  strings(): Strings;
  locale(): string | undefined;
  rules(): FileRules;
  /** Sends a voice note as a message of its own, with what was measured of it. */
  sendNote(note: File, measured: Measured): Promise<unknown>;
  /** Shows an error under the list (a refused file, a refused microphone), or clears it with ''. */
  error(message: string): void;
  /** Draws the message list's lines again: a file's offline copy is ready. */
  redraw(): void;
  /** Bytes of received files kept offline; undefined for the default. */
  cacheCap(): number | undefined;
}

/**
 * The attachment UI, loaded the first time a visitor attaches a file, records, or the list
 * shows a message with files (widget/parley-chat/attachments-link.ts): the tray of pending
 * files, the recorder, the received files and the viewer.
 */
export class AttachmentsUi {
  pending: PendingFile[] = [];
  readonly recorder: VoiceRecorder;
  readonly viewer: Viewer;
  readonly cache: OfflineCache;
  /** url → what to show: a blob: URL of the offline copy, or the URL itself if there is none. */
  readonly #shown = new Map<string, string>();
  /**
   * Each file's measuring, begun as it enters the tray: by the time the visitor presses Send it
   * is usually done, so Send does not wait for a video's frame, and a slow machine has the
   * typing time as well as measure.ts's bound to decode one.
   */
  readonly #measuring = new WeakMap<Blob, Promise<Measured | undefined>>();

  constructor(
    private readonly host: AttachmentsHost,
    private readonly deps: AttachmentsDeps,
  ) {
    this.recorder = new VoiceRecorder(host, (note, duration) => void this.#sendNote(note, duration), deps.error, deps.strings);
    this.viewer = new Viewer(host);
    const cap = deps.cacheCap();
    this.cache = new OfflineCache(undefined, cap !== undefined && cap >= 0 ? cap : DEFAULT_CACHE_CAP);
  }

  /** Adds the files that may be sent to the tray; the error names each refused one and the limit. */
  add(files: readonly File[]): void {
    const strings = this.deps.strings();
    const refused: string[] = [];
    for (const file of files) {
      const why = refusal(file, this.deps.rules(), strings, this.deps.locale());
      if (why) refused.push(why);
      else {
        this.pending = [...this.pending, pendingFile(file)];
        this.#measuring.set(file, measure(file));
      }
    }
    this.deps.error(refused.join(' '));
    this.host.requestUpdate();
  }

  /** What the engine cannot measure itself, file by file (widget/attachments/measure.ts). */
  measure(files: readonly Blob[]): Promise<(Measured | undefined)[]> {
    return Promise.all(files.map((file) => this.#measuring.get(file) ?? measure(file)));
  }

  /** A voice note goes out at once, unless it is over the size limit; its length is the recorder's count if the file states none. */
  async #sendNote(note: File, duration: number): Promise<void> {
    const why = refusal(note, { ...this.deps.rules(), accept: 'audio/*' }, this.deps.strings(), this.deps.locale());
    if (why) return this.deps.error(why);
    const measured = await measure(note);
    await this.deps.sendNote(note, { duration, ...measured });
  }

  remove = (key: string): void => {
    const index = this.pending.findIndex((p) => p.key === key);
    const gone = this.pending[index];
    if (gone?.thumbnail) URL.revokeObjectURL(gone.thumbnail);
    this.pending = this.pending.filter((p) => p !== gone);
    this.host.requestUpdate();
    // The button pressed is gone: focus the next file's, else the text box, never <body>.
    void this.host.updateComplete.then(() => {
      const buttons = this.host.renderRoot.querySelectorAll<HTMLElement>('button.tray-remove');
      (buttons[Math.min(index, buttons.length - 1)] ?? this.host.renderRoot.querySelector<HTMLElement>('textarea'))?.focus();
    });
  };

  /** Empties the tray, once the engine has stored the message that carries its files. */
  clear(): void {
    for (const p of this.pending) if (p.thumbnail) URL.revokeObjectURL(p.thumbnail);
    this.pending = [];
    this.host.requestUpdate();
  }

  renderComposerExtras(): TemplateResult {
    const strings = this.deps.strings();
    return html`${renderTray(this.pending, strings, this.deps.locale(), this.remove)}${this.recorder.render(strings)}${this.viewer.render(strings)}`;
  }

  /** A message's files, and the upload bar while an own message's files are on their way. */
  renderMessage(m: ChatMessage, progress: UploadProgress | undefined): TemplateResult | typeof nothing {
    // A peer may send anything: an entry that is not an object is left out, not drawn.
    const files = (Array.isArray(m.attachments) ? m.attachments : []).filter((a): a is Attachment => typeof a === 'object' && a !== null);
    if (!files.length) return nothing;
    const strings = this.deps.strings();
    const locale = this.deps.locale();
    // Files are uploaded before the message goes out: until it is sent, the bar shows.
    const uploading = m.mine && (m.status === 'queued' || m.status === 'sending');
    return html`
      ${renderAttachments(m.id, files, { strings, locale, resolve: this.#resolve, view: (a, src, trigger) => this.viewer.open(a, src, trigger) })}
      ${uploading ? renderProgress(progress, files.map((a) => a.name).join(', '), strings, locale) : nothing}
    `;
  }

  /** The offline copy's URL once known; the first ask fetches it and draws again. */
  #resolve = (url: string): string | undefined => {
    if (url.startsWith('blob:')) return url;
    const known = this.#shown.get(url);
    if (known) return known;
    void this.cache.objectUrl(url).then((copy) => {
      this.#shown.set(url, copy ?? url);
      this.deps.redraw();
    });
    return undefined;
  };
}
