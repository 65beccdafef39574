import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage, ConnectionConfig, EngineEvent, Gap, HistoryPage, LinkHealth, LinkSettings, OpenResult, StateChange, UploadProgress } from '../../worker/api.ts';
import type { Measured } from '../attachments/measure.ts';
import { engineClient, type EngineClient } from '../engine-client.ts';
import { serverHasOlder } from '../engine-adapter.ts';
import { TypingNotifier } from '../typing-notifier.ts';
import { EarlyEvents } from './early-events.ts';
import { isFresh } from './fresh.ts';
import { mergeMessages } from './merge-messages.ts';
import { relay, type SessionEvents } from './session-events.ts';
import { isForward } from './status-order.ts';
import { Typists } from './typists.ts';

/** The widget's side of one conversation in the engine: its messages, link state and typists. */
export class Session implements ReactiveController {
  messages: ChatMessage[] = [];
  state?: StateChange;
  /** Local history has older messages. */
  more = false;
  /** The server may have older messages. */
  serverMore = false;
  loading = false;
  /** The room is live on the current link: what is sent now reaches it (the engine's `joined`). */
  joined = false;
  /** The connection's figures (worker/health.ts), as the engine last sent them. */
  health?: LinkHealth;
  conversation?: string;
  /** Own messages whose files are uploading, by id: the engine's last `upload-progress`. */
  uploads = new Map<string, UploadProgress>();
  /** Places where messages may be missing (the engine's `gap` events and stored ones), by order. */
  gaps: Gap[] = [];

  #client?: EngineClient;
  #opened?: OpenResult;
  #attachedAt = 0;
  /** Counts attaches, so that a slow one finishing after a newer one (or a removal) backs out. */
  #attachId = 0;
  /** The current attach's events, held while its `open()` is on its way back. */
  #subscription?: EarlyEvents;
  /** Settles once the conversation is open; a message typed before that waits for it. */
  ready: Promise<void> = Promise.resolve();
  readonly #typists = new Typists(() => this.host.requestUpdate());
  readonly #typingNotifier = new TypingNotifier((typing) => void this.#api()?.typing(this.conversation!, typing));

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly events: SessionEvents,
  ) {
    host.addController(this);
  }

  /**
   * Starts the tab's link to the engine as the element connects, when it names all a
   * connection needs: the host attaches only after its first render, and the link (a port,
   * the tab's lock and `hello`) can be made meanwhile. attach() then finds it made or under
   * way (engineClient keeps one per engine name). A start that fails is logged there and
   * started again by attach(), which reports it.
   */
  hostConnected(): void {
    const { engine, server, user, room } = this.host as Partial<Record<'engine' | 'server' | 'user' | 'room', unknown>>;
    if (typeof engine === 'string' && engine && server && user && room) void engineClient(engine).catch(() => undefined);
  }

  hostDisconnected(): void {
    this.#attachId++;
    this.detach();
  }

  attach(config: ConnectionConfig & { engine: string }, room: string): Promise<void> {
    this.ready = this.#attach(config, room);
    return this.ready;
  }

  async #attach({ engine, ...config }: ConnectionConfig & { engine: string }, room: string): Promise<void> {
    const id = ++this.#attachId;
    this.detach();
    if (!config.url || !config.user || !room) return;
    const client = await engineClient(engine);
    if (id !== this.#attachId) return;
    this.#client = client;
    const subscription = new EarlyEvents(client, (event, early) => this.#onEvent(event, early));
    this.#subscription = subscription;
    try {
      // The newest page comes with the open: one round trip to the engine, not two.
      const opened = await client.api.open(config, room, true);
      if (id !== this.#attachId) return void client.api.leave(opened.conversation);
      this.#opened = opened;
      this.#attachedAt = Date.now();
      this.conversation = opened.conversation;
      this.state = opened.state;
      // Another tab had the room live already: its `joined` went out before this tab opened it.
      this.joined = opened.joined === true;
      const page = opened.page ?? (await client.api.history(opened.conversation));
      if (id !== this.#attachId) return;
      this.#addPage(page, opened);
    } finally {
      // Also when the open failed: an error event kept meanwhile still reaches the page.
      subscription.release();
    }
  }

  detach(): void {
    this.#typingNotifier.stop();
    this.#typists.clear();
    this.#subscription?.close();
    this.#subscription = undefined;
    if (this.conversation) void this.#api()?.leave(this.conversation);
    this.conversation = undefined;
    this.joined = false;
    this.#opened = undefined;
    this.messages = [];
    this.gaps = [];
    this.host.requestUpdate();
  }

  /** Peers typing now, in the order they started. */
  get typing(): readonly string[] {
    return this.#typists.names;
  }

  #api() {
    return this.conversation ? this.#client?.api : undefined;
  }

  /** Draws the list's lines again (an upload's progress, a file's offline copy): the list redraws on a new array. */
  redraw(): void {
    this.messages = [...this.messages];
    this.host.requestUpdate();
  }

  /** Adds messages once each, in list order; a stale copy never moves a status backwards. */
  merge(incoming: readonly ChatMessage[]): void {
    this.messages = mergeMessages(this.messages, incoming);
    this.host.requestUpdate();
  }

  /** `early`: the event came before the open's page and state, which may already hold it. */
  #onEvent(event: EngineEvent, early = false): void {
    switch (event.type) {
      case 'state':
        if (event.change.connection !== this.#opened?.connection) return;
        // Only a change that goes on from the state the open returned is news.
        if (early && event.change.from !== this.state?.to) return;
        this.state = event.change;
        if (event.change.to !== 'open') this.joined = false;
        this.host.requestUpdate();
        return this.events.state(event.change);
      case 'message': {
        const m = event.message;
        if (m.conversation !== this.conversation) return;
        // Already in the page: not news, but its status may be newer than the page's.
        if (early && this.messages.some((k) => k.id === m.id)) return this.merge([m]);
        const fresh = isFresh(m, this.messages, this.#attachedAt);
        this.merge([m]);
        this.#typists.set(m.name ?? m.from, false);
        return this.events.message(m, fresh);
      }
      case 'status': {
        if (event.conversation !== this.conversation) return;
        const known = this.messages.find((m) => m.id === event.id);
        // The ack also gives an own message its place in the server's order (worker/order.ts).
        if (known && isForward(known.status, event.status)) this.merge([{ ...known, status: event.status, error: event.error, order: event.order }]);
        if (event.status !== 'queued' && event.status !== 'sending') this.uploads.delete(event.id);
        return;
      }
      case 'upload-progress':
        if (event.progress.conversation !== this.conversation) return;
        this.uploads.set(event.progress.id, event.progress);
        return this.redraw();
      case 'health':
        if (event.health.connection !== this.#opened?.connection) return;
        this.health = event.health;
        return this.host.requestUpdate();
      case 'joined':
        if (event.conversation !== this.conversation) return;
        this.joined = true;
        return this.host.requestUpdate();
      case 'removed':
        this.uploads.delete(event.id);
        this.messages = this.messages.filter((m) => m.id !== event.id);
        return this.host.requestUpdate();
      case 'typing':
        if (event.conversation === this.conversation) this.#typists.set(event.name ?? event.from, event.typing);
        return;
      case 'history-end':
        if (event.conversation !== this.conversation) return;
        this.serverMore = false;
        return this.host.requestUpdate();
      case 'gap':
        if (event.conversation !== this.conversation) return;
        this.#addGaps([event]);
        // The list builds its lines when the messages change.
        return this.redraw();
      default:
        // An error, the read cursor, the draft, an alert: the element's to act on.
        return relay(event, this.conversation, this.events);
    }
  }

  /** Keeps each gap once (a page and an event may bring the same one). */
  #addGaps(gaps: readonly Gap[] | undefined): void {
    for (const { conversation, order, at } of gaps ?? [])
      if (!this.gaps.some((g) => g.order === order)) this.gaps = [...this.gaps, { conversation, order, at }];
  }

  /** A page of history (the open's, or an older one): its messages and gaps, and whether there is more. */
  #addPage(page: HistoryPage, opened: OpenResult | undefined): void {
    this.#addGaps(page.gaps);
    this.merge(page.messages);
    this.more = page.more;
    this.serverMore = serverHasOlder(opened, page);
  }

  /** The next older page: local history first; the server's arrives as `message` events. */
  async loadOlder(): Promise<void> {
    const api = this.#api();
    if (!api || this.loading || !(this.more || this.serverMore)) return;
    this.loading = true;
    this.host.requestUpdate();
    try {
      const oldest = this.messages[0];
      const page = await api.history(this.conversation!, oldest ? { order: oldest.order, id: oldest.id } : { order: Infinity, id: '' });
      this.#addPage(page, this.#opened);
    } finally {
      this.loading = false;
      this.host.requestUpdate();
    }
  }

  send(text: string): Promise<ChatMessage> {
    return this.#store((api, conversation) => api.send(conversation, text));
  }

  /**
   * Sends files, with `text` if any, as one message; the engine uploads them first.
   * `measured[i]` is what the tab measured of `files[i]` (widget/attachments/measure.ts).
   */
  sendFiles(files: Blob[], text = '', measured?: (Measured | undefined)[]): Promise<ChatMessage> {
    // The tab measures what a worker cannot (audio and video); the engine bounds it.
    return this.#store((api, conversation) => api.sendFiles(conversation, files, text || undefined, measured));
  }

  /** Once the conversation is open, has the engine store a message by `call`, and shows it. */
  async #store(call: (api: EngineClient['api'], conversation: string) => Promise<ChatMessage>): Promise<ChatMessage> {
    // A name set just before (`chat.name = …; chat.send(…)`) reaches the engine first: the
    // element's update hands it over (ParleyChat.#configure), and the port keeps the order.
    await this.host.updateComplete;
    await this.ready;
    const api = this.#api();
    if (!api) throw new Error('The chat is not connected to a conversation yet.');
    const message = await call(api, this.conversation!);
    this.merge([message]);
    this.#typingNotifier.stop();
    return message;
  }

  /** Asks the engine for the connection's figures now, instead of waiting for its next `health` event. */
  async refreshHealth(): Promise<void> {
    const connection = this.#opened?.connection;
    const all = await this.#api()?.health();
    this.health = all?.connections.find((c) => c.connection === connection) ?? this.health;
    this.host.requestUpdate();
  }

  /** The engine client this session uses, once attached: for calls of the whole tab (visibility). */
  get client(): EngineClient | undefined {
    return this.conversation ? this.#client : undefined;
  }

  markRead = (order: number) => this.#api()?.markRead(this.conversation!, order);
  unread = () => this.#api()?.unread(this.conversation!);
  draft = () => this.#api()?.draft(this.conversation!);
  setDraft = (text: string) => this.#api()?.setDraft(this.conversation!, text);
  retry = (id: string) => this.#api()?.retry(this.conversation!, id);
  cancel = (id: string) => this.#api()?.cancel(this.conversation!, id);
  reconnectNow = () => this.#api()?.reconnectNow(this.conversation!);
  configure = (settings: LinkSettings) => this.#api()?.configure(this.conversation!, settings);
  keyTyped = () => this.#typingNotifier.key();
}
