import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage, EngineEvent, EngineOptions, HistoryPage, Protocol, StateChange } from '../worker/api.ts';
import { engineClient, type EngineClient } from './engine-client.ts';
import { describeState, formatTime, STATUS_ICONS, STATUS_LABELS, STATUS_RANK } from './format.ts';
import { styles } from './parley-chat.styles.ts';
import { TypingNotifier } from './typing-notifier.ts';

export interface ParleyStateEventDetail {
  change: StateChange;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat': ParleyChat;
  }
  interface HTMLElementEventMap {
    'parley-state': CustomEvent<ParleyStateEventDetail>;
    'parley-message': CustomEvent<{ message: ChatMessage }>;
  }
}

/**
 * A chat room, drawn in shadow DOM. Every tab's widgets share one connection engine.
 *
 * @summary Chat widget.
 * @event parley-state - The connection state changed; detail `{ change }`.
 * @event parley-message - A message arrived or was sent; detail `{ message }`.
 * @csspart header - The title bar.
 * @csspart log - The message list.
 * @csspart message - One message.
 * @csspart composer - The text box and send button.
 * @cssproperty --parley-accent - Buttons and links. Default #4f46e5.
 * @cssproperty --parley-height - Height of the widget. Default 480px.
 */
export class ParleyChat extends LitElement {
  static override styles = styles;
  static override properties = {
    protocol: {},
    server: {},
    room: {},
    user: {},
    password: {},
    topicPrefix: { attribute: 'topic-prefix' },
    heading: {},
    engine: {},
    options: { attribute: false },
    _messages: { state: true },
    _state: { state: true },
    _more: { state: true },
    _serverMore: { state: true },
    _typing: { state: true },
    _error: { state: true },
    _now: { state: true },
  };

  /** `websocket` (JSON), `mqtt` or `xmpp`. */
  declare protocol: Protocol;
  /** `ws://` or `wss://` URL of the server. */
  declare server: string;
  declare room: string;
  declare user: string;
  declare password: string | undefined;
  /** MQTT only: topic prefix of the rooms. Default `parley/rooms` (docs/mqtt.md). */
  declare topicPrefix: string | undefined;
  /** Title shown in the header. Default: the room name. */
  declare heading: string | undefined;
  /** Name of the SharedWorker (and its database). Default `parley`. */
  declare engine: string;
  declare options: Partial<EngineOptions> | undefined;

  declare _messages: ChatMessage[];
  declare _state: StateChange | undefined;
  /** Local history has older messages. */
  declare _more: boolean;
  /** The server may have older messages. */
  declare _serverMore: boolean;
  declare _typing: string[];
  declare _error: string;
  declare _now: number;

  #client?: EngineClient;
  #conversation?: string;
  #connection?: string;
  /** Settles once the conversation is open; a message typed before that waits for it. */
  #ready: Promise<void> = Promise.resolve();
  /** Counts attaches, so that a slow one finishing after a newer one (or a removal) backs out. */
  #attachId = 0;
  /** A message is being stored; a second Enter meanwhile must not send it twice. */
  #storing = false;
  #unsubscribe?: () => void;
  #clock?: ReturnType<typeof setInterval>;
  #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #typingNotifier = new TypingNotifier((typing) => {
    if (this.#client && this.#conversation) void this.#client.api.typing(this.#conversation, typing);
  });

  constructor() {
    super();
    this.protocol = 'websocket';
    this.server = '';
    this.room = 'lobby';
    this.user = '';
    this.engine = 'parley';
    this._messages = [];
    this._more = false;
    this._serverMore = false;
    this._typing = [];
    this._error = '';
    this._now = Date.now();
  }

  /** The conversation key, once the engine has opened it. */
  get conversation(): string | undefined {
    return this.#conversation;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM: it was detached on removal, so attach again.
    if (this.hasUpdated) this.#reattach();
    // Only the "Reconnecting in N s" countdown needs a clock; a throttled one is fine here.
    this.#clock = setInterval(() => (this._now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#attachId++;
    this.#detach();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (['protocol', 'server', 'room', 'user', 'password', 'engine', 'topicPrefix'].some((p) => changed.has(p as keyof ParleyChat)))
      this.#reattach();
  }

  #reattach(): void {
    this.#ready = this.#attach().catch((e) => {
      this._error = `Could not start the chat engine: ${e instanceof Error ? e.message : e}`;
    });
  }

  async #attach(): Promise<void> {
    const id = ++this.#attachId;
    this.#detach();
    if (!this.server || !this.user || !this.room) return;
    const client = await engineClient(this.engine);
    if (id !== this.#attachId) return;
    this.#client = client;
    this.#unsubscribe = client.on((event) => this.#onEvent(event));
    const opened = await client.api.open(
      { protocol: this.protocol, url: this.server, user: this.user, password: this.password, topicPrefix: this.topicPrefix, options: this.options },
      this.room,
    );
    if (id !== this.#attachId) return void client.api.leave(opened.conversation);
    this.#conversation = opened.conversation;
    this.#connection = opened.connection;
    this._state = opened.state;
    this.#showPage(await client.api.history(opened.conversation));
  }

  #showPage(page: HistoryPage): void {
    this.#merge(page.messages);
    this._more = page.more;
    this._serverMore = page.serverMore;
  }

  #detach(): void {
    this.#typingNotifier.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#client && this.#conversation) void this.#client.api.leave(this.#conversation);
    this.#conversation = undefined;
    if (this._messages.length) this._messages = [];
  }

  #onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'state':
        if (event.change.connection !== this.#connection) return;
        this._state = event.change;
        this.dispatchEvent(new CustomEvent('parley-state', { detail: { change: event.change }, bubbles: true, composed: true }));
        return;
      case 'message':
        if (event.message.conversation !== this.#conversation) return;
        this.#merge([event.message]);
        this.#setTyping(event.message.from, false);
        this.dispatchEvent(new CustomEvent('parley-message', { detail: { message: event.message }, bubbles: true, composed: true }));
        return;
      case 'status':
        if (event.conversation !== this.#conversation) return;
        this._messages = this._messages.map((m) =>
          m.id === event.id ? { ...m, status: event.status, error: event.error, order: event.order } : m,
        );
        this._messages.sort((a, b) => a.order - b.order);
        return;
      case 'removed':
        this._messages = this._messages.filter((m) => m.id !== event.id);
        return;
      case 'typing':
        if (event.conversation === this.#conversation) this.#setTyping(event.from, event.typing);
        return;
      case 'history-end':
        if (event.conversation === this.#conversation) this._serverMore = false;
        return;
      case 'error':
        console.warn(`[parley] ${event.error.code}: ${event.error.message}`);
    }
  }

  /**
   * Adds messages, dropping duplicate ids, in time order. A copy read earlier (a history page,
   * send()'s reply) never moves a status backwards past what a later event said.
   */
  #merge(incoming: ChatMessage[]): void {
    const byId = new Map(this._messages.map((m) => [m.id, m]));
    for (const m of incoming) {
      const known = byId.get(m.id);
      const status = known?.status && m.status && STATUS_RANK[known.status] > STATUS_RANK[m.status] ? known.status : m.status;
      byId.set(m.id, { ...known, ...m, status, error: status === m.status ? m.error : known?.error });
    }
    this._messages = [...byId.values()].sort((a, b) => a.order - b.order);
    void this.updateComplete.then(() => this.#scrollToEnd());
  }

  #setTyping(from: string, typing: boolean): void {
    clearTimeout(this.#typingTimers.get(from));
    const others = this._typing.filter((name) => name !== from);
    this._typing = typing ? [...others, from] : others;
    // A peer that vanishes mid-sentence never sends "stopped"; forget it after a while.
    if (typing) this.#typingTimers.set(from, setTimeout(() => this.#setTyping(from, false), 6000));
  }

  #scrollToEnd(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log) log.scrollTop = log.scrollHeight;
  }

  async #loadOlder(): Promise<void> {
    if (!this.#client || !this.#conversation) return;
    // The server's older messages, if it is asked, arrive as `message` events.
    const oldest = this._messages[0];
    this.#showPage(await this.#client.api.history(this.#conversation, oldest ? { order: oldest.order, id: oldest.id } : { order: Infinity, id: '' }));
  }

  async #send(event: Event): Promise<void> {
    event.preventDefault();
    await this.#ready;
    const input = this.renderRoot.querySelector('textarea');
    if (!input || !this.#client || !this.#conversation) return;
    const text = input.value;
    if (!text.trim() || this.#storing) return;
    // The text stays in the box until the engine has stored it, so a reload loses nothing.
    this.#storing = true;
    try {
      const message = await this.#client.api.send(this.#conversation, text);
      this.#merge([message]);
      input.value = '';
      this._error = '';
      this.#typingNotifier.stop();
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#storing = false;
    }
  }

  #fail(e: unknown): void {
    this._error = e instanceof Error ? e.message : String(e);
  }

  /** Runs a button's engine call; its error, if any, is shown rather than lost. */
  #act(call: (api: EngineClient['api'], conversation: string) => Promise<unknown>): void {
    if (this.#client && this.#conversation) call(this.#client.api, this.#conversation).catch((e) => this.#fail(e));
  }

  #onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) void this.#send(event);
    else if (event.key.length === 1) this.#typingNotifier.key();
  }

  override render() {
    const state = this._state?.to ?? 'connecting';
    const canRetry = state === 'reconnecting' || state === 'failed';
    return html`
      <header part="header">
        <h2>${this.heading ?? this.room}</h2>
        <span class="state" role="status">
          <span class="dot" data-state=${state}></span>
          <span class="state-text">${describeState(this._state, this._now)}</span>
          ${canRetry
            ? html`<button class="retry-now" @click=${() => this.#act((api, c) => api.reconnectNow(c))}>Retry now</button>`
            : nothing}
        </span>
      </header>
      <div class="log" part="log" role="log" aria-live="polite" aria-label="Messages"><ol>
        ${this._more || this._serverMore ? html`<li class="older"><button @click=${this.#loadOlder}>Show earlier messages</button></li>` : nothing}
        ${this._messages.length === 0 ? html`<li class="empty">No messages yet. Say hello!</li>` : nothing}
        ${repeat(this._messages, (m) => m.id, (m) => this.#renderMessage(m))}
      </ol></div>
      <div class="typing" aria-live="polite">${this._typing.length ? `${this._typing.join(', ')} ${this._typing.length > 1 ? 'are' : 'is'} typing…` : ''}</div>
      ${this._error ? html`<div class="error" role="alert">${this._error}</div>` : nothing}
      <form part="composer" @submit=${this.#send}>
        <textarea rows="1" aria-label="Message" placeholder="Write a message…" @keydown=${this.#onKey}></textarea>
        <button class="primary" type="submit">Send</button>
      </form>
    `;
  }

  #renderMessage(m: ChatMessage) {
    // Text goes in through Lit's text bindings: it is never parsed as HTML.
    return html`
      <li part="message" class="message ${m.mine ? 'mine' : ''} ${m.status === 'failed' ? 'failed' : ''}" data-id=${m.id}>
        ${m.mine ? nothing : html`<div class="from">${m.from}</div>`}
        <div class="text">${m.text}</div>
        <div class="meta">
          <time datetime=${new Date(m.ts).toISOString()}>${formatTime(m.ts)}</time>
          ${m.mine && m.status
            ? html`<span class="status" data-status=${m.status} title=${STATUS_LABELS[m.status]}
                aria-label=${STATUS_LABELS[m.status]}>${STATUS_ICONS[m.status]}</span>`
            : nothing}
        </div>
        ${m.status === 'failed'
          ? html`<div class="meta">
              <span>${STATUS_LABELS.failed}${m.error ? `: ${m.error.message}` : ''}</span>
              <button @click=${() => this.#act((api) => api.retry(m.conversation, m.id))}>Retry</button>
              <button @click=${() => this.#act((api) => api.cancel(m.conversation, m.id))}>Delete</button>
            </div>`
          : nothing}
      </li>
    `;
  }
}
