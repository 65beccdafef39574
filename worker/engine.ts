import {
  connectionKey,
  type ChatMessage,
  type ConnectionConfig,
  type EngineEvent,
  type EngineHealth,
  type EngineStats,
  type LinkHealth,
  type LinkSettings,
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
import { historyPage } from './history-page.ts';
import { Outgoing, type OpenConversation } from './outgoing.ts';
import { ReadState } from './read-state.ts';
import { Tabs } from './tabs.ts';
import { realTimers, type Timers } from './timers.ts';
import type { TransportModule } from './transports/transport.ts';
import type { UncaughtErrors } from './uncaught.ts';

export interface EngineDeps {
  /** IndexedDB database name. */
  dbName: string;
  load: (protocol: ConnectionConfig['protocol']) => Promise<TransportModule>;
  timers?: Timers;
  random?: () => number;
  online?: () => boolean;
  /** For tests: an error that fails writes of the kind it is asked for (a full disk); see worker/history.ts. */
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
  /** send, sendFiles, retry and cancel (worker/outgoing.ts). */
  readonly #outgoing: Outgoing;

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
    this.#outgoing = new Outgoing({
      history: this.history,
      now: () => this.#timers.now(),
      find: (conversation) => this.#find(conversation),
      connections: this.#connections,
      conversations: this.#conversations,
      emit: (key, event) => this.#emit(key, event),
      setDraft: (tabId, conversation, text) => this.setDraft(tabId, conversation, text),
    });
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
    // A new token comes with any tab. A name does not: the opening tab may hold an older one
    // (another tab renamed the visitor since), and taking it would flip the link back and forth.
    // A tab renames through configure().
    entry.connection.update({ password: config.password, signature: config.signature });
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
  send(conversation: string, text: string, tabId?: string, options: SendOptions = {}): Promise<ChatMessage> {
    return this.#outgoing.send(conversation, text, tabId, options);
  }

  /** A message with files, uploaded by the connection's Uploader before the outbox sends it (worker/outgoing.ts). */
  sendFiles(conversation: string, files: Blob[], text = '', measured: (MeasuredMedia | undefined)[] = [], options: SendOptions = {}): Promise<ChatMessage> {
    return this.#outgoing.sendFiles(conversation, files, text, measured, options);
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

  retry(conversation: string, id: string): Promise<void> {
    return this.#outgoing.retry(conversation, id);
  }

  /** Withdraws an unsent message; throws `not-cancellable` if it is sent (worker/withdraw.ts). */
  cancel(conversation: string, id: string): Promise<void> {
    return this.#outgoing.cancel(conversation, id);
  }

  /** A page of history, newest first, and the server's older pages past it (worker/history-page.ts). */
  page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    return historyPage(this.history, this.gaps, () => this.#find(conversation), conversation, before, limit);
  }

  typing(conversation: string, typing: boolean): void {
    const { connection, room } = this.#find(conversation);
    connection.typing(room, typing);
  }

  reconnectNow(conversation: string): void {
    this.#find(conversation).connection.reconnectNow();
  }

  configure(conversation: string, settings: LinkSettings): void {
    this.#find(conversation).connection.update(settings);
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

  #find(conversation: string): OpenConversation {
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
