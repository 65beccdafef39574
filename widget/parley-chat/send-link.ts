import type { ChatMessage, EngineOptions } from '../../worker/api.ts';
import { Composer } from '../composer/composer.ts';
import type { Strings } from '../i18n/catalogue.ts';
import type { MessageAction } from '../message-list/message-row.ts';
import type { AttachmentsLink } from './attachments-link.ts';
import type { DraftLink } from './draft-link.ts';
import type { Language } from './language.ts';
import type { ReadingLink } from './reading-link.ts';
import type { Session } from './session.ts';

/** The engine's default longest text (worker/api.ts, EngineOptions.maxTextLength). */
const DEFAULT_MAX_TEXT = 10_000;

/** What sending reads and sets of <parley-chat> (widget/parley-chat/properties.ts). */
export interface SendLinkHost {
  readonly session: Session;
  readonly options: Partial<EngineOptions> | undefined;
  _strings: Strings;
  _error: string;
}

/** The element's parts that a send goes through. */
export interface SendLinkParts {
  composer: Composer;
  draft: DraftLink;
  files: AttachmentsLink;
  reading: ReadingLink;
  language: Language;
  /** Shows why a call to the engine failed. */
  fail(e: unknown): void;
}

/**
 * The element's side of sending: the composer's Send (text, the tray's files, or both), the
 * page's `send()`, and the list's Retry, Edit, Delete and Cancel. A text over the engine's limit
 * is refused before it reaches the engine.
 */
export class SendLink {
  /** A Send is on its way into the engine's store: another one does nothing meanwhile. */
  #storing = false;

  constructor(
    private readonly host: SendLinkHost,
    private readonly parts: SendLinkParts,
  ) {}

  /** The longest text the engine takes, in characters. */
  get max(): number {
    return this.host.options?.maxTextLength ?? DEFAULT_MAX_TEXT;
  }

  /** Sends `text` as the visitor; rejects, without sending, if it is empty or too long. */
  send(text: string): Promise<ChatMessage> {
    if (!text.trim()) return Promise.reject(new Error('The message is empty.'));
    if (Composer.tooLong(text, this.max)) return Promise.reject(new Error(this.#tooLong(text)));
    return this.host.session.send(text);
  }

  #tooLong(text: string): string {
    const dates = this.parts.language.dates;
    return this.host._strings.tooLong(dates.number(this.max), dates.number([...text].length));
  }

  /** The composer's Send: what is in the box and the tray, as one message. */
  async submit(): Promise<void> {
    const { composer, draft, files: attachments, reading } = this.parts;
    const text = composer.value;
    const files = attachments.files;
    if ((!text.trim() && !files.length) || this.#storing) return;
    // Over the limit: the error under the box already says so; nothing is sent.
    if (Composer.tooLong(text, this.max)) return void composer.box?.focus();
    // The text stays in the box until the engine has stored it, so a reload loses nothing.
    this.#storing = true;
    draft.sending();
    try {
      await (files.length ? attachments.send(text) : this.host.session.send(text));
      composer.value = '';
      this.host._error = '';
      // Still within the gesture's activation (a few seconds): an inline chat has no launcher click.
      reading.askPermission(this.host._strings);
    } catch (e) {
      draft.failed(text);
      this.parts.fail(e);
    } finally {
      this.#storing = false;
    }
  }

  /** Retry, Edit, Delete and Cancel; focus then goes to the text box, never to <body>. */
  act = (action: MessageAction, m: ChatMessage): void => {
    const { composer } = this.parts;
    if (action === 'edit') {
      const draft = composer.value;
      composer.value = draft.trim() ? `${draft}\n${m.text}` : m.text;
    }
    const call = action === 'retry' ? this.host.session.retry(m.id) : this.host.session.cancel(m.id);
    void call?.catch((e) => this.parts.fail(e));
    composer.box?.focus();
  };
}
