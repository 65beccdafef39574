import { html, nothing, type PropertyValues } from 'lit';
import type { ChatMessage } from '../../worker/api.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { Composer } from '../composer/composer.ts';
import { Announcer } from '../controllers/announcer.ts';
import { LazyModule } from '../controllers/lazy-module.ts';
import { VisualViewportController } from '../controllers/visual-viewport.ts';
import type { Strings } from '../i18n/catalogue.ts';
import { listStyles } from '../message-list/message-list.styles.ts';
import { rowsFor, type BuiltRows } from '../message-list/rows.ts';
import { ScrollKeeper } from '../message-list/scroll-keeper.ts';
import { AttachmentsLink, spoken } from './attachments-link.ts';
import { announceLink, linkKind } from './banner.ts';
import { DraftLink } from './draft-link.ts';
import { fire } from './events.ts';
import { HealthView } from './health-details.ts';
import { Language } from './language.ts';
import { escapeCloses, renderLauncher } from './launcher.ts';
import { renderPanel } from './panel.ts';
import { PanelState } from './panel-state.ts';
import { closable, ParleyChatProperties } from './properties.ts';
import { styles } from './parley-chat.styles.ts';
import { Session } from './session.ts';
import { ReadingLink } from './reading-link.ts';
import { SendLink } from './send-link.ts';

/** What decides the link and the room shown: a change attaches the chat again. */
const CONNECTION_PROPS = ['protocol', 'server', 'room', 'user', 'engine', 'topicPrefix', 'uploadUrl', 'uploadService'] as const;
/** What the link takes as it is (EngineApi.configure), keeping the messages on screen and the composer usable. */
const LINK_SETTINGS = ['name', 'nickname', 'password', 'signature'] as const;

/**
 * A chat room, drawn in shadow DOM. Every tab's widgets share one connection engine.
 *
 * `mode="inline"` (the element's default, so that existing pages keep their box) draws the chat
 * where the element is; `mode="launcher"` draws a round button in a corner that opens the chat
 * in a panel (full screen at 480 px wide or less); `mode="panel"` draws the chat where the
 * element is, opened and closed by the page, which draws its own launcher: the script-tag loader
 * picks `panel`.
 * Visitors attach files (paperclip, drop, paste) and voice notes; `accept` and `max-file-size`
 * (bytes, default 10 MB) limit them before any upload (docs/widget.md, "Attachments").
 *
 * @summary Chat widget: an inline box, a launcher button and panel, or the panel of the page's own launcher.
 * @event {ParleyOpenDetail} parley-open - The panel opened (launcher and panel modes); detail `{}`.
 * @event {ParleyCloseDetail} parley-close - The panel closed (launcher and panel modes); detail `{}`.
 * @event {ParleyMessageDetail} parley-message - A message arrived or was sent; detail `{ message }`.
 * @event {ParleyStateEventDetail} parley-state - The connection state changed; detail `{ change }`.
 * @event {ParleyUnreadDetail} parley-unread - The unread count changed (the engine's, shared by every tab); detail `{ count }`.
 * @event {ParleyAlertDetail} parley-alert - A new message from someone else, fired in one tab of the browser only; detail `{ message }`.
 * @event {ParleyErrorDetail} parley-error - The engine reported an error; detail `{ error: { code, message } }`.
 * @csspart launcher - The round button (launcher mode).
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The chat box.
 * @csspart header - The title bar.
 * @csspart log - The scrolling message list.
 * @csspart message - One message bubble; also `mine`, `theirs` or `unreadable`.
 * @csspart day - A day separator.
 * @csspart new-messages - The "N new messages" button.
 * @csspart banner - The connection banner above the composer.
 * @csspart health - The connection details (attribute `debug`, or "Details" in the banner).
 * @csspart composer - The text box and send button.
 * @csspart input - The text box.
 * @csspart send - The send button.
 * @cssproperty --parley-accent - Buttons, links, read marks. Default #4f46e5 (dark #a5b4fc).
 * @cssproperty --parley-on-accent - Text on the accent colour. Default #fff (dark #111827).
 * @cssproperty --parley-background - Panel background. Default #fff (dark #111827).
 * @cssproperty --parley-foreground - Text colour. Default #1f2937 (dark #f9fafb).
 * @cssproperty --parley-muted - Secondary text. Default #4b5563 (dark #cbd5e1).
 * @cssproperty --parley-mine-background - Own bubbles. Default #eef2ff (dark #312e81).
 * @cssproperty --parley-theirs-background - Others' bubbles. Default #f3f4f6 (dark #1f2937).
 * @cssproperty --parley-border - Borders. Default #9ca3af (dark #6b7280).
 * @cssproperty --parley-danger - Errors and failed messages. Default #b91c1c (dark #fca5a5).
 * @cssproperty --parley-font - The `font` shorthand. Default `15px/1.4 system-ui, sans-serif`.
 * @cssproperty --parley-radius - Corner radius. Default 12px.
 * @cssproperty --parley-z-index - Launcher and panel stacking. Default 2147483000.
 * @cssproperty --parley-width - Panel width (launcher mode). Default 380px.
 * @cssproperty --parley-height - Box height (inline, default 480px) or panel height (launcher, default 600px).
 */
export class ParleyChat extends ParleyChatProperties {
  // A getter, not a static field, as in properties.ts (build/syntax-floor.ts). Lit reads it once.
  static override get styles() {
    return [...styles, listStyles, composerStyles];
  }

  /** @internal The engine side of the conversation; tests feed the list through it. */
  readonly session = new Session(this, {
    message: (message, fresh) => this.#arrived(message, fresh),
    state: (change) => {
      this.#announcer.status = announceLink(change, this._strings);
      fire(this, 'parley-state', { change });
    },
    error: (error) => {
      console.warn(`[parley] ${error.code}: ${error.message}`);
      fire(this, 'parley-error', { error });
    },
    unread: (count) => this.#reading.counted(count),
    draft: (text) => this.#draft.apply(text),
    alert: (message) => this.#reading.alert(message),
  });
  readonly #announcer = new Announcer(this);
  readonly #scroll = new ScrollKeeper(this, () => this.renderRoot.querySelector<HTMLElement>('.log'), () => void this.session.loadOlder(), (el) => this.#list.value?.virtualOf(el));
  readonly #composer = new Composer(this, () => void this.#sending.submit(), () => this.session.keyTyped(), (text) => this.#draft.typed(text));
  /** The draft lives in the engine (worker/drafts.ts), shared by every tab. */
  readonly #draft = new DraftLink(this.session, this.#composer);
  /** Read cursor, unread count and alerts (widget/parley-chat/reading-link.ts). */
  readonly #reading = new ReadingLink(this, () => this.#panel.showing);
  /** `_strings` and the date and number formats, in the element's language. */
  readonly #language = new Language(this);
  /** The list's lines, and the messages and gaps they were built from. */
  #built?: BuiltRows;
  #clock?: ReturnType<typeof setInterval>;
  /** The message list and its virtualiser: loaded when the chat first shows, not with the launcher. */
  readonly #list = new LazyModule(this, () => import('../message-list/message-list.ts'));
  /** Open, closed or parked (widget/parley-chat/panel-state.ts). */
  readonly #panel = new PanelState(this, {
    list: this.#list,
    scroll: this.#scroll,
    shownChanged: () => this.#reading.shownChanged(),
    focusBox: () => this.#composer.box?.focus(),
  });
  readonly #viewport = new VisualViewportController(this); // a full-screen panel ends above the keyboard
  readonly #health = new HealthView(this, this.session); // "Connection details" (worker/health.ts)
  readonly #files = new AttachmentsLink(this, () => this.#panel.showing); // paperclip, voice notes, drop and paste; the UI loads on first use
  /** Send, and the list's Retry, Edit, Delete and Cancel. */
  readonly #sending = new SendLink(this, {
    composer: this.#composer,
    draft: this.#draft,
    files: this.#files,
    reading: this.#reading,
    language: this.#language,
    fail: (e) => this.#fail(e),
  });

  /** The conversation key, once the engine has opened it. */
  get conversation(): string | undefined {
    return this.session.conversation;
  }

  /** The messages the list holds, in the order shown (the DOM has only those near the view). */
  get messages(): readonly ChatMessage[] {
    return this.session.messages;
  }

  /** Others' messages after the visitor's read cursor: the engine's count, the same in every tab. */
  get unread(): number {
    return this.#reading.count;
  }

  /** Opens the panel (launcher and panel modes) and focuses its text box. */
  open(): void {
    this.#panel.open();
  }

  /** Closes the panel; focus goes back to the launcher (in panel mode the page moves it, on `parley-close`). */
  close(): void {
    this.#panel.close();
  }

  toggle(): void {
    this.#panel.toggle();
  }

  /** Focuses the text box, or the launcher while the panel is closed. */
  override focus(options?: FocusOptions): void {
    (this.#panel.showing ? this.#composer.box : this.renderRoot.querySelector<HTMLElement>('.launcher'))?.focus(options);
  }

  /** Sends `text` as the visitor; rejects, without sending, if it is empty or too long. */
  send(text: string): Promise<ChatMessage> {
    return this.#sending.send(text);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM: it was detached on removal, so attach again.
    if (this.hasUpdated) this.#attach();
    // Only the "Reconnecting in N s" countdown needs a clock; a throttled one is fine here.
    this.#clock = setInterval(() => linkKind(this.session.state) === 'reconnecting' && (this._now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#reading.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.#panel.willUpdate()) this.#built = undefined;
    if (changed.has('lang' as keyof ParleyChat) || changed.has('strings' as keyof ParleyChat) || !this.hasUpdated) void this.#language.load();
    if (this.session.messages !== this.#built?.messages) {
      this.#built = rowsFor(this.session.messages, this.session.gaps, this.#built);
      if (this.#panel.drawn) this.#scroll.willShow(this.#built.rows);
    }
  }

  protected override firstUpdated(): void {
    // A launcher shows no list until opened; fetch it meanwhile (widget/controllers/lazy-module.ts).
    this.#list.loadWhenIdle();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (CONNECTION_PROPS.some((p) => changed.has(p))) this.#attach();
    else if (LINK_SETTINGS.some((p) => changed.has(p))) this.#configure();
    if (this.#panel.drawn) void this.#scroll.shown();
  }

  /**
   * Hands the element's settings to the live link, once the attach under way (if any) has
   * opened the room: an open only names a link it creates (worker/engine.ts), so a name set
   * meanwhile must follow it. An attach that failed has reported why already.
   */
  #configure(): void {
    void this.session.ready.then(
      () => {
        const { name, nickname, password, signature } = this;
        return this.session.configure({ name, nickname, password, signature })?.catch(this.#fail);
      },
      () => undefined,
    );
  }

  #attach(): void {
    const { protocol, server, user, name, signature, password, topicPrefix, nickname, options, engine, uploadUrl, uploadService } = this;
    // One URL, or a cluster's list separated by spaces (worker/server-list.ts).
    const [url = '', ...others] = (server ?? '').trim().split(/\s+/);
    const urls = others.length ? [url, ...others] : undefined;
    this.#scroll.reset();
    this.#reading.reset();
    this.session.attach({ protocol, url, urls, user, name, signature, password, topicPrefix, nickname, options, engine, uploadUrl, uploadService }, this.room).then(
      async () => {
        if (!this.session.client) return;
        const [draft] = await Promise.all([this.#draft.load(), this.#reading.attached()]);
        if (draft && !this.#composer.value) void this.updateComplete.then(() => this.#draft.apply(draft));
      },
      (e) => (this._error = this._strings.startFailed(e instanceof Error ? e.message : String(e))),
    );
  }

  #arrived(message: ChatMessage, fresh: boolean): void {
    fire(this, 'parley-message', { message });
    if (!fresh) return;
    if (this.#panel.showing && document.visibilityState === 'visible') this.#announcer.say(`${String(message.name ?? message.from)}: ${spoken(message)}`);
  }

  #fail = (e: unknown): void => void (this._error = e instanceof Error ? e.message : String(e));

  /** A click: the moment to ask for notification permission (browsers allow it only on a gesture). */
  #launcherClicked = (): void => {
    this.#reading.askPermission(this._strings);
    this.toggle();
  };

  override render() {
    const strings = this._strings;
    const launcher = this.mode === 'launcher';
    return html`
      ${launcher ? renderLauncher(this.isOpen, this.#reading.count, strings, this.#launcherClicked, this.#language.dates.number, () => this.#list.load()) : nothing}
      ${this.#panel.drawn ? this.#renderPanel(strings, launcher) : nothing}
      ${this.#announcer.render()}
    `;
  }

  #renderPanel(strings: Strings, launcher: boolean) {
    const s = this.session;
    return renderPanel({
      strings,
      heading: this.heading ?? this.room,
      launcher,
      closable: closable(this.mode),
      parked: !this.#panel.showing,
      session: s,
      now: this._now,
      error: this._error,
      listModule: this.#panel.listDrawn ? this.#list.value : undefined,
      list: {
        rows: this.#built?.rows ?? [],
        more: s.more || s.serverMore,
        loading: s.loading,
        newCount: this.#scroll.newCount,
        dates: this.#language.dates,
        now: Date.now(),
        act: this.#sending.act,
        attachments: this.#files.renderMessage,
        onScroll: this.#scroll.onScroll,
        onInput: this.#scroll.onInput,
        loadOlder: () => void s.loadOlder(),
        jumpToNewest: () => void this.#scroll.toBottom(),
      },
      composer: html`${this.#files.renderExtras(strings)}${this.#composer.render(strings, this.#sending.max, this.#language.dates.number, (e) => (e.preventDefault(), void this.#sending.submit()), this.#files.renderButtons(strings))}`,
      ...this.#health.view(this.debug),
      close: () => this.close(),
      retryNow: () => void s.reconnectNow()?.catch((e) => this.#fail(e)),
      onKeydown: escapeCloses(this),
    });
  }
}
