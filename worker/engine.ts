import {
  connectionKey,
  type ChatMessage,
  type ConnectionConfig,
  type EngineEvent,
  type EngineHealth,
  type EngineStats,
  type LinkHealth,
  type HistoryCursor,
  type HistoryPage,
  type MeasuredMedia,
  type OpenResult,
  type SendOptions,
  type UnreadCount,
} from './api.ts';
import { Attention } from './attention.ts';
import { closeUnused, createEntry, type ConnectionEntry } from './connection-entry.ts';
import type { ParleyDb } from './db.ts';
import { deviceId, lazyDb } from './engine-db.ts';
import { Drafts } from './drafts.ts';
import { Gaps } from './gaps.ts';
import { toInfo, ValidationError } from './errors.ts';
import { engineStats, healthSoon, linkHealth } from './health-report.ts';
import { History, type StorageFault } from './history.ts';
import { checkFiles, checkText, checkUploadUrl, ownMessage } from './own-message.ts';
import { earlierSend, queueOwn } from './own-send.ts';
import { ReadState } from './read-state.ts';
import { Tabs } from './tabs.ts';
import { realTimers, type Timers } from './timers.ts';
import type { TransportModule } from './transports/transport.ts';
import type { UncaughtErrors } from './uncaught.ts';
import { describeFiles } from './uploads/lazy-uploader.ts';
import { withdraw } from './withdraw.ts';

export interface EngineDeps {
  /** IndexedDB database name. */
  dbName: string;
  load: (protocol: ConnectionConfig['protocol']) => Promise<TransportModule>;
  timers?: Timers;
  random?: () => number;
  online?: () => boolean;
  /** For tests: an error to throw instead of storing an inbound message (a full disk). */
  storageFault?: StorageFault;
}

/** The engine: every connection, the tabs that use them, and the shared stores. */
export class Engine {
  readonly #connections = new Map<string, ConnectionEntry>();
  /** conversation → its connection key and room; keys are never parsed, since names may hold any character. */
  readonly #conversations = new Map<string, { key: string; room: string }>();
  readonly tabs: Tabs;
  readonly #timers: Timers;
  readonly history: History;
  /** Set by the worker that runs the engine (worker/engine-host.ts). */
  uncaught: UncaughtErrors = { count: 0 };
  /** The database, opened on first use (worker/engine-db.ts). */
  readonly #open: () => Promise<ParleyDb>;
  // Issue 9: the read cursor, drafts and alerts (docs/engine.md).
  readonly reads: ReadState;
  readonly drafts: Drafts;
  /** Where messages may be missing after a lost session (worker/gaps.ts). */
  readonly gaps: Gaps;
  /** Unread counts and alerts (worker/attention.ts). */
  readonly #attention: Attention;

  constructor(readonly deps: EngineDeps) {
    this.#timers = deps.timers ?? realTimers;
    this.#open = lazyDb(deps.dbName);
    this.reads = new ReadState(this.#open);
    this.drafts = new Drafts(this.#open);
    this.gaps = new Gaps(this.#open);
    this.history = new History(this.#open, deps.storageFault);
    this.tabs = new Tabs((tabId) => {
      this.#attention.gone(tabId);
      this.#closeUnused();
    });
    this.#attention = new Attention(this.reads, this.tabs, this.#timers);
  }

  async open(tabId: string, config: ConnectionConfig, room: string, withPage = false): Promise<OpenResult> {
    const key = connectionKey(config);
    let entry = this.#connections.get(key);
    if (!entry) {
      entry = createEntry(key, config, {
        db: this.#open,
        deviceId: () => deviceId(this.#open),
        history: this.history,
        load: this.deps.load,
        timers: this.#timers,
        random: this.deps.random ?? Math.random,
        online: this.deps.online ?? (() => true),
        emit: (event) => this.#emit(key, event),
        sessionLost: (conversations) => this.#sessionLost(key, conversations),
      });
      this.#connections.set(key, entry);
      // Files a closed engine or connection left half uploaded go on now (docs/attachments.md).
      void entry.uploader.resume().catch((e: unknown) => this.#emit(key, { type: 'error', error: toInfo(e) }));
    }
    entry.idle.stop();
    entry.connection.updateCredentials(config.password);
    const conversation = entry.connection.join(room);
    this.#conversations.set(conversation, { key, room });
    this.tabs.subscribe(tabId, conversation);
    entry.connection.start();
    // The page is read while the transport's module loads (the first open); a tab reads
    // `serverMore` together with the capabilities (widget/engine-adapter.ts).
    const [capabilities, page] = await Promise.all([entry.connection.capabilities(), withPage ? this.page(conversation) : undefined]);
    return { conversation, connection: key, state: entry.connection.state, capabilities, joined: entry.connection.isLive(room), ...(page ? { page } : {}) };
  }

  leave(tabId: string, conversation: string): void {
    this.tabs.unsubscribe(tabId, conversation);
    this.#closeUnused();
  }

  /** `tabId`: the tab that sent it, which clears its own composer; the others hear of the cleared draft. */
  async send(conversation: string, text: string, tabId?: string, options: SendOptions = {}): Promise<ChatMessage> {
    const { connection, outbox, room } = this.#find(conversation);
    checkText(text, connection.options);
    const earlier = await earlierSend(this.history, conversation, options.id);
    if (earlier) return connection.delivery.asShown(earlier);
    const message = ownMessage(connection.config, conversation, room, text, this.#timers.now(), undefined, options.id);
    await queueOwn(message, connection, outbox, (event) => this.#emit(connection.key, event));
    // Sent, so no longer a draft; a failure here must not fail a message that is queued.
    void this.setDraft(tabId, conversation, '').catch(() => undefined);
    // As the tabs were told: `sending` if it went out at once. The answer reaches the tab after
    // the events, and a `queued` would look like a dropped link (worker/message-status.ts).
    return connection.delivery.asShown(message);
  }

  /**
   * A message with files: described here (worker/uploads/describe.ts), stored with its Blobs,
   * then uploaded by the connection's Uploader, which lets the outbox send it once every file
   * has a URL.
   */
  async sendFiles(conversation: string, files: Blob[], text = '', measured: (MeasuredMedia | undefined)[] = [], options: SendOptions = {}): Promise<ChatMessage> {
    const { connection, outbox, room, uploader } = this.#find(conversation);
    checkFiles(files, text, connection.options);
    const earlier = await earlierSend(this.history, conversation, options.id);
    if (earlier) return connection.delivery.asShown(earlier);
    if (!(await connection.capabilities()).upload) checkUploadUrl(connection.config);
    const attachments = await Promise.all(files.map((file, i) => describeFiles(file, measured[i])));
    const message = ownMessage(connection.config, conversation, room, text, this.#timers.now(), attachments, options.id);
    // Message, queue entry and Blobs in one transaction, before any byte goes out.
    await outbox.add(message, connection.key, { id: message.id, conversation, files, attachments });
    this.#emit(connection.key, { type: 'message', message });
    uploader.start(message.id);
    return message;
  }

  /** Moves the read cursor forward, tells the room's peers (a read marker), and the tabs the new count. */
  async markRead(conversation: string, order: number): Promise<void> {
    const { connection, room } = this.#find(conversation);
    const move = await this.reads.advance(conversation, order);
    if (!move.moved) return;
    if (move.marker) connection.markRead(room, move.marker.id);
    await this.#attention.recount(conversation);
  }

  unread(conversation: string): Promise<UnreadCount> {
    this.#find(conversation);
    return this.reads.count(conversation);
  }

  draft(conversation: string): Promise<string> {
    this.#find(conversation);
    return this.drafts.get(conversation);
  }

  /** Stores the draft and sends it to the tabs that show the conversation, but `tabId`, whose composer it came from. */
  async setDraft(tabId: string | undefined, conversation: string, text: string): Promise<void> {
    this.#find(conversation);
    if (!(await this.drafts.set(conversation, text, this.#timers.now()))) return;
    for (const other of this.tabs.showing(conversation))
      if (other !== tabId) this.tabs.sendTo(other, { type: 'draft', conversation, text });
  }

  visibility(tabId: string, visible: boolean, looking?: string[]): void {
    this.#attention.visibility(tabId, visible, looking);
  }

  async retry(conversation: string, id: string): Promise<void> {
    const { connection, uploader } = this.#find(conversation);
    const queued = await connection.delivery.requeue(conversation, id);
    if (!queued) return;
    this.#emit(connection.key, { type: 'status', conversation, id, status: 'queued', order: queued.order });
    // A message whose files are not all uploaded starts with them; Delivery skips it till then.
    if (queued.attachments?.some((a) => !a.url)) uploader.start(id);
  }

  /** Withdraws an unsent message; throws `not-cancellable` if it is sent (worker/withdraw.ts). */
  async cancel(conversation: string, id: string): Promise<void> {
    const message = await this.history.get(conversation, id);
    if (!message) return this.#cancelUnkept(conversation, id);
    if (!message.mine) return;
    const { connection, uploader } = this.#find(message.conversation);
    // No await since the read: the status read must still hold (an answer meanwhile would
    // have taken the message out of flight).
    await withdraw(message, connection.delivery, uploader, this.history);
    this.#emit(connection.key, { type: 'removed', conversation: message.conversation, id });
  }

  /**
   * A message with no record may be one whose record could not be kept (a full disk), queued
   * in memory (Delivery.unkept): withdrawn there, in the same task as the read found no record.
   */
  #cancelUnkept(conversation: string, id: string): void {
    const key = this.#conversations.get(conversation)?.key;
    const connection = key === undefined ? undefined : this.#connections.get(key)?.connection;
    if (connection?.delivery.withdrawUnkept(id)) this.#emit(connection.key, { type: 'removed', conversation, id });
  }

  /**
   * A page of history, newest first. When local history runs out, asks the server for the
   * page before our oldest message; those messages arrive as `message` events, and `more`
   * stays true until the server says it has nothing older.
   */
  async page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    const local = await this.history.page(conversation, before, limit);
    const { connection, room } = this.#find(conversation);
    // Scrolling up past local history: ask the server for the page before our oldest.
    if (!local.more && !connection.exhausted(room) && before !== undefined) await connection.older(room, limit);
    // The gaps among this page: from its oldest message (or the start) up to `before`.
    const oldest = local.more ? local.messages.at(-1)?.order : undefined;
    const gaps = await this.gaps.list(conversation, oldest, before?.order);
    // Read last: the server's answer may have said "nothing older" (a `history-end` event) while
    // this waited, and a page that still said `serverMore` would bring back the button it removed.
    const messages = local.messages.map((m) => connection.delivery.asShown(m));
    return { ...local, messages, serverMore: !connection.exhausted(room), ...(gaps.length ? { gaps } : {}) };
  }

  typing(conversation: string, typing: boolean): void {
    const { connection, room } = this.#find(conversation);
    connection.typing(room, typing);
  }

  reconnectNow(conversation: string): void {
    this.#find(conversation).connection.reconnectNow();
  }

  /** A tab saw `online` or became visible; the worker gets `online` itself too. */
  wake(reason: 'network-online' | 'tab-visible'): void {
    for (const { connection } of this.#connections.values()) connection.wake(reason);
  }

  offline(): void {
    for (const { connection } of this.#connections.values()) connection.offline();
  }

  async health(): Promise<EngineHealth> {
    const connections = await Promise.all([...this.#connections.values()].map((entry) => linkHealth(entry, () => this.#timers.now())));
    return { tabs: this.tabs.size, connections };
  }

  stats(): EngineStats {
    return engineStats(this.tabs.size, this.#connections, this.uncaught);
  }

  #find(conversation: string): Pick<ConnectionEntry, 'connection' | 'outbox' | 'uploader'> & { room: string } {
    const known = this.#conversations.get(conversation);
    const entry = known && this.#connections.get(known.key);
    if (!known || !entry) throw new ValidationError('unknown-conversation', 'Open the conversation before using it.');
    return { connection: entry.connection, outbox: entry.outbox, room: known.room, uploader: entry.uploader };
  }

  #onConnection = (key: string) => (conversation: string) => this.#conversations.get(conversation)?.key === key;

  #emit(key: string, event: EngineEvent): void {
    this.#healthChanged(key);
    // A new link: uploads that waited for it (an XMPP slot) or backed off go at once.
    if (event.type === 'state' && event.change.to === 'open') void this.#connections.get(key)?.uploader.resume().catch(() => undefined);
    // Before the broadcast, so that the message, the unread count it changes and its alert reach
    // the tab as one event batch, one task there (worker/attention.ts, arrived).
    if (event.type === 'message' && !event.message.mine) this.#attention.arrived(event.message);
    if (event.type === 'message') this.tabs.broadcast((c) => c === event.message.conversation, event);
    else if ('conversation' in event && event.conversation) this.tabs.broadcast((c) => c === event.conversation, event);
    else this.tabs.broadcast(this.#onConnection(key), event);
    if (event.type === 'joined') this.#attention.joined(event.conversation);
  }

  /** A lost session: a gap at the end of each conversation, kept and shown in every tab. */
  async #sessionLost(key: string, conversations: string[]): Promise<void> {
    for (const conversation of conversations) {
      const gap = await this.gaps.add(conversation, this.#timers.now());
      if (gap) this.#emit(key, { type: 'gap', ...gap });
    }
  }

  /** Something changed on connection `key`: its figures go to its tabs within HEALTH_EVERY ms. */
  #healthChanged(key: string): void {
    const entry = this.#connections.get(key);
    if (!entry) return;
    const send = (health: LinkHealth): void => this.tabs.broadcast(this.#onConnection(key), { type: 'health', health });
    healthSoon(entry, () => this.#connections.get(key) === entry, () => this.#timers.now(), send);
  }

  /** Starts the grace timer of every connection no tab uses (worker/connection-entry.ts). */
  #closeUnused(): void {
    closeUnused(this.#connections, this.#conversations, (key) => this.tabs.uses(this.#onConnection(key)));
  }
}
