import type { ChatMessage, UnreadCount } from '../../worker/api.ts';
import { SeenController, type SeenHost } from '../controllers/seen-controller.ts';
import type { Strings } from '../i18n/catalogue.ts';
import type { Alerter, AlertOptions } from './alerts.ts';
import { fire } from './events.ts';
import type { Session } from './session.ts';
import { UnreadCounter, type UnreadHost } from './unread.ts';
import { watchVisibility } from './visibility.ts';

/** What the link reads of <parley-chat> (widget/parley-chat/properties.ts). */
export interface ReadingHost extends SeenHost, UnreadHost, AlertOptions, HTMLElement {
  readonly session: Session;
  _error: string;
  open(): void;
}

/**
 * The element's side of reading: what the visitor has seen moves the engine's read cursor
 * (worker/read-state.ts), the engine's count drives the badge, `unread` and `parley-unread`,
 * and the one tab the engine picks plays the alert (worker/alerts.ts). `showing` says whether
 * the chat is drawn for the visitor: the panel is open, or the element is inline.
 */
export class ReadingLink {
  readonly #seen: SeenController;
  readonly #unread: UnreadCounter;
  /** Loaded with the first alert or permission request of a chat with `sound` or `notifications`. */
  #alerter?: Promise<Alerter>;
  #visibility?: { changed(): void; stop(): void };

  constructor(
    private readonly host: ReadingHost,
    private readonly showing: () => boolean,
  ) {
    this.#seen = new SeenController(host, {
      messages: () => host.session.messages,
      showing,
      report: (order) => void host.session.markRead(order)?.catch((e: unknown) => console.warn('[parley] could not mark messages read:', e)),
    });
    this.#unread = new UnreadCounter(host, (count) => fire(host, 'parley-unread', { count }));
  }

  /** Others' messages after the read cursor, as the engine last counted them. */
  get count(): number {
    return this.#unread.count;
  }

  /** The element is about to open another conversation: nothing of the last one carries over. */
  reset(): void {
    this.#seen.reset();
    this.#unread.set(0);
    this.stop();
  }

  /** The conversation is open in the engine: report this tab's visibility, and read the count. */
  async attached(): Promise<void> {
    const client = this.host.session.client;
    if (!client) return;
    this.#visibility = watchVisibility(client, () => (this.showing() ? this.host.session.conversation : undefined));
    const count = await this.host.session.unread();
    if (count) this.counted(count);
  }

  /** The engine's count changed (an `unread` event, in any tab). */
  counted({ read, unread }: UnreadCount): void {
    this.#seen.known(read);
    this.#unread.set(unread);
  }

  /** The engine picked this tab to alert for `message`. */
  alert(message: ChatMessage): void {
    fire(this.host, 'parley-alert', { message });
    void this.#alerts()?.then((alerter) => alerter.alert(message), unloaded);
  }

  /** The panel opened or closed: which conversation this tab shows changed. */
  shownChanged(): void {
    this.#visibility?.changed();
  }

  /** A click or a send: the only moment browsers let a page ask for notification permission. */
  askPermission(strings: Strings): void {
    void this.#alerts()?.then((alerter) => alerter.askPermission(strings), unloaded);
  }

  /**
   * The beep and notification code (widget/parley-chat/alerts.ts), imported only by a chat that
   * asks for either: most pages never download it. The import is quick enough to stay within
   * the click's user activation that the permission prompt and the AudioContext need.
   */
  #alerts(): Promise<Alerter> | undefined {
    const { host } = this;
    if (!host.sound && !host.notifications) return undefined;
    this.#alerter ??= import('./alerts.ts').then(({ Alerter }) => new Alerter(host, (text) => (host._error = text), () => host.open()));
    return this.#alerter;
  }

  stop(): void {
    this.#visibility?.stop();
    this.#visibility = undefined;
  }
}

/** The alerts chunk did not load (the widget's server went away): the chat goes on without them. */
const unloaded = (e: unknown): void => console.warn('[parley] could not load alerts:', e);
