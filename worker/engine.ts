import {
  connectionKey,
  type Attachment,
  type ChatMessage,
  type ConnectionConfig,
  type EngineEvent,
  type EngineHealth,
  type LinkHealth,
  type EngineOptions,
  type EngineStats,
  type HistoryCursor,
  type HistoryPage,
  type MeasuredMedia,
  type OpenResult,
  type UnreadCount,
} from './api.ts';
import { Alerts } from './alerts.ts';
import { Connection } from './connection.ts';
import { openParleyDb, type ParleyDb } from './db.ts';
import { Drafts } from './drafts.ts';
import { Gaps } from './gaps.ts';
import { ParleyError, toInfo, ValidationError } from './errors.ts';
import { History, type StorageFault } from './history.ts';
import { Outbox } from './outbox.ts';
import { pendingOrder } from './order.ts';
import { ReadState } from './read-state.ts';
import { Tabs } from './tabs.ts';
import { realTimers, Timer, type Timers } from './timers.ts';
import type { TransportModule } from './transports/transport.ts';
import type { UncaughtErrors } from './uncaught.ts';
import { describeFiles, LazyUploader } from './uploads/lazy-uploader.ts';
import { ATTACHMENT_LIMITS, httpUrl } from './transports/attachments.ts';

export const defaultOptions: EngineOptions = {
  heartbeatInterval: 15_000,
  heartbeatTimeout: 5_000,
  backoffBase: 500,
  backoffCap: 30_000,
  maxAttempts: Infinity,
  stableAfter: 10_000,
  idleGrace: 10_000,
  outboxLimit: 1_000,
  maxTextLength: 10_000,
  maxFileSize: 10 * 1024 * 1024,
};

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

/** Shortest time between two unread counts of one conversation during a burst, in ms. */
const UNREAD_RECOUNT = 250;

/** Shortest time between two `health` events of one connection, in ms. */
const HEALTH_EVERY = 1_000;

interface Entry {
  connection: Connection;
  outbox: Outbox;
  /** Sends the connection's figures once things have changed, at most every HEALTH_EVERY ms. */
  health: Timer;
  /** Closes the connection once no tab has used it for `idleGrace` ms. */
  idle: Timer;
  /** Its messages' files (worker/uploads/uploader.ts). */
  uploader: LazyUploader;
}

/** The engine: every connection, the tabs that use them, and the shared stores. */
export class Engine {
  readonly #connections = new Map<string, Entry>();
  /** conversation → its connection key and room; keys are never parsed, since names may hold any character. */
  readonly #conversations = new Map<string, { key: string; room: string }>();
  readonly tabs: Tabs;
  readonly #timers: Timers;
  readonly history: History;
  /** Set by the worker that runs the engine (worker/engine-host.ts). */
  uncaught: UncaughtErrors = { count: 0 };
  #db?: Promise<ParleyDb>;
  // Issue 9: the read cursor, drafts and alerts (docs/engine.md).
  readonly reads = new ReadState(() => this.#open());
  readonly drafts = new Drafts(() => this.#open());
  /** Where messages may be missing after a lost session (worker/gaps.ts). */
  readonly gaps = new Gaps(() => this.#open());
  readonly #alerts: Alerts;
  /** Unread counts being computed, per conversation; `again` when something changed meanwhile. */
  readonly #counting = new Map<string, { again: boolean }>();
  /** The count last sent per conversation, so that tabs hear only of changes. */
  readonly #unreadSent = new Map<string, string>();

  constructor(readonly deps: EngineDeps) {
    this.#timers = deps.timers ?? realTimers;
    this.history = new History(() => this.#open(), deps.storageFault);
    this.#alerts = new Alerts(() => this.#timers.now());
    this.tabs = new Tabs((tabId) => {
      this.#alerts.gone(tabId);
      this.#closeUnused();
    });
  }

  #open(): Promise<ParleyDb> {
    this.#db ??= openParleyDb(this.deps.dbName, () => (this.#db = undefined)).catch((e: unknown) => {
      // Forget the failure, so that the next call tries again (quota freed, other tab closed).
      this.#db = undefined;
      throw new ParleyError(
        'storage',
        `Cannot open the chat's storage (${e instanceof Error ? e.name : e}). If another tab runs a newer version, reload this one.`,
      );
    });
    return this.#db;
  }

  async #deviceId(): Promise<string> {
    const db = await this.#open();
    const tx = db.transaction('meta', 'readwrite');
    let id = await tx.store.get('device-id');
    if (!id) await tx.store.put((id = crypto.randomUUID()), 'device-id');
    await tx.done;
    return id;
  }

  async open(tabId: string, config: ConnectionConfig, room: string): Promise<OpenResult> {
    const key = connectionKey(config);
    let entry = this.#connections.get(key);
    if (!entry) {
      const options = { ...defaultOptions, ...config.options };
      const outbox = new Outbox(() => this.#open(), options.outboxLimit);
      const connection = new Connection(key, config, options, {
        timers: this.#timers,
        random: this.deps.random ?? Math.random,
        load: this.deps.load,
        deviceId: () => this.#deviceId(),
        outbox,
        history: this.history,
        online: this.deps.online ?? (() => true),
        emit: (event) => this.#emit(key, event),
        sessionLost: (conversations) => this.#sessionLost(key, conversations),
      });
      const uploader = new LazyUploader({
        db: () => this.#open(),
        history: this.history,
        config: () => connection.config,
        capabilities: () => connection.capabilities(),
        slot: (file) => connection.uploadSlot(file),
        pending: () => outbox.pending(key),
        flush: () => void connection.delivery.flush(),
        emit: (event) => this.#emit(key, event),
        timers: this.#timers,
        random: this.deps.random ?? Math.random,
        backoff: { base: options.backoffBase, cap: options.backoffCap },
      });
      entry = { connection, outbox, uploader, idle: new Timer(this.#timers), health: new Timer(this.#timers) };
      this.#connections.set(key, entry);
      // Files a closed engine or connection left half uploaded go on now (docs/attachments.md).
      void uploader.resume().catch((e: unknown) => this.#emit(key, { type: 'error', error: toInfo(e) }));
    }
    entry.idle.stop();
    entry.connection.updateCredentials(config.password);
    const conversation = entry.connection.join(room);
    this.#conversations.set(conversation, { key, room });
    this.tabs.subscribe(tabId, conversation);
    entry.connection.start();
    const capabilities = await entry.connection.capabilities();
    return { conversation, connection: key, state: entry.connection.state, capabilities, joined: entry.connection.isLive(room) };
  }

  leave(tabId: string, conversation: string): void {
    this.tabs.unsubscribe(tabId, conversation);
    this.#closeUnused();
  }

  /** `tabId`: the tab that sent it, which clears its own composer; the others hear of the cleared draft. */
  async send(conversation: string, text: string, tabId?: string): Promise<ChatMessage> {
    const { connection, outbox, room } = this.#find(conversation);
    const { maxTextLength } = connection.options;
    if (!text.trim()) throw new ValidationError('empty', 'Type a message first.');
    if (text.length > maxTextLength)
      throw new ValidationError('too-long', `Messages can be at most ${maxTextLength} characters; this one has ${text.length}.`);
    const message = this.#ownMessage(connection, conversation, room, text);
    // Written to IndexedDB before any byte goes out; a reload from here on loses nothing.
    await outbox.add(message, connection.key);
    this.#emit(connection.key, { type: 'message', message });
    void connection.delivery.flush();
    // Sent, so no longer a draft; a failure here must not fail a message that is queued.
    void this.setDraft(tabId, conversation, '').catch(() => undefined);
    return message;
  }

  /**
   * A message with files: described here (worker/uploads/describe.ts), stored with its Blobs,
   * then uploaded by the connection's Uploader, which lets the outbox send it once every file
   * has a URL.
   */
  async sendFiles(conversation: string, files: Blob[], text = '', measured: (MeasuredMedia | undefined)[] = []): Promise<ChatMessage> {
    const { connection, outbox, room, uploader } = this.#find(conversation);
    const { maxTextLength, maxFileSize } = connection.options;
    if (!Array.isArray(files) || files.length === 0) throw new ValidationError('empty', 'Choose a file first.');
    if (files.length > ATTACHMENT_LIMITS.count)
      throw new ValidationError('too-large', `A message can carry at most ${ATTACHMENT_LIMITS.count} files; this one has ${files.length}.`);
    if (typeof text !== 'string') throw new ValidationError('empty', 'The text of a message with files must be a string.');
    if (text.length > maxTextLength)
      throw new ValidationError('too-long', `Messages can be at most ${maxTextLength} characters; this one has ${text.length}.`);
    for (const file of files) {
      if (!(file instanceof Blob)) throw new ValidationError('empty', 'Each file must be a File or Blob.');
      const name = file instanceof File ? `"${file.name}"` : 'A file';
      if (file.size === 0) throw new ValidationError('empty', `${name} is empty.`);
      if (file.size > maxFileSize)
        throw new ValidationError('too-large', `${name} has ${file.size} bytes; files can be at most ${maxFileSize} bytes (${(maxFileSize / 1048576).toFixed(1)} MB).`);
    }
    if (!(await connection.capabilities()).upload) {
      const { uploadUrl } = connection.config;
      if (!uploadUrl) throw new ValidationError('config', 'This chat has no upload-url, so files cannot be sent.');
      if (!httpUrl(uploadUrl)) throw new ValidationError('config', `The upload-url "${uploadUrl.slice(0, 200)}" is not an http(s) URL.`);
    }
    const attachments = await Promise.all(files.map((file, i) => describeFiles(file, measured[i])));
    const message = this.#ownMessage(connection, conversation, room, text, attachments);
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
    await this.#countUnread(conversation);
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
    if (typeof visible !== 'boolean' || (looking !== undefined && !(Array.isArray(looking) && looking.every((c) => typeof c === 'string'))))
      throw new ValidationError('bad-visibility', 'visibility() takes a boolean and a list of conversation keys.');
    this.#alerts.visibility(tabId, visible, looking);
  }

  async retry(conversation: string, id: string): Promise<void> {
    const { connection, outbox, uploader } = this.#find(conversation);
    const queued = await outbox.requeue(conversation, id, connection.key);
    if (!queued) return;
    this.#emit(connection.key, { type: 'status', conversation, id, status: 'queued', order: queued.order });
    // A message whose files are not all uploaded starts with them; Delivery skips it till then.
    if (queued.attachments?.some((a) => !a.url)) uploader.start(id);
    void connection.delivery.flush();
  }

  async cancel(conversation: string, id: string): Promise<void> {
    const message = await this.history.get(conversation, id);
    if (!message?.mine) return;
    // Once a message is on the wire the server may store it; deleting it here would only
    // hide it until the next sync brings it back. While its files upload it is not.
    const uploading = message.attachments?.some((a) => !a.url) === true && message.status === 'sending';
    if (message.status !== 'queued' && message.status !== 'failed' && !uploading)
      throw new ValidationError('not-cancellable', 'This message has already been sent and cannot be withdrawn.');
    const { connection, outbox, uploader } = this.#find(message.conversation);
    // Aborts the upload and drops its Blobs first, so that it cannot finish and flush the message.
    await uploader.cancel(id);
    await outbox.remove(id);
    await this.history.delete(conversation, id);
    this.#emit(connection.key, { type: 'removed', conversation: message.conversation, id });
  }

  /**
   * A page of history, newest first. When local history runs out, asks the server for the
   * page before our oldest message; those messages arrive as `message` events, and `more`
   * stays true until the server says it has nothing older.
   */
  async page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    const local = await this.history.page(conversation, before, limit);
    const { connection, room } = this.#find(conversation);
    const serverMore = !connection.exhausted(room);
    // Scrolling up past local history: ask the server for the page before our oldest.
    if (!local.more && serverMore && before !== undefined) await connection.older(room, limit);
    // The gaps among this page: from its oldest message (or the start) up to `before`.
    const oldest = local.more ? local.messages.at(-1)?.order : undefined;
    const gaps = await this.gaps.list(conversation, oldest, before?.order);
    return { ...local, serverMore, ...(gaps.length ? { gaps } : {}) };
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
    const connections = await Promise.all([...this.#connections.values()].map((entry) => this.#linkHealth(entry)));
    return { tabs: this.tabs.size, connections };
  }

  async #linkHealth({ connection, outbox }: Entry): Promise<LinkHealth> {
    const pending = await outbox.pending(connection.key);
    const first = pending[0];
    const oldest = first && (await this.history.get(first.conversation, first.id));
    const { protocol, urls } = connection.config;
    return {
      connection: connection.key,
      protocol,
      url: connection.url,
      ...(urls && urls.length > 1 ? { urls } : {}),
      state: connection.state.to,
      ...connection.health.snapshot(),
      outbox: { depth: pending.length, oldestAge: oldest ? this.#timers.now() - oldest.ts : undefined },
    };
  }

  stats(): EngineStats {
    const opens: Record<string, number> = {};
    const urls: Record<string, string> = {};
    for (const [key, { connection }] of this.#connections) {
      opens[key] = connection.opens;
      urls[key] = connection.url;
    }
    return { tabs: this.tabs.size, connections: this.#connections.size, opens, urls, uncaught: { ...this.uncaught } };
  }

  /** A new own message, queued, after every confirmed one until the server places it (worker/order.ts). */
  #ownMessage(connection: Connection, conversation: string, room: string, text: string, attachments?: Attachment[]): ChatMessage {
    const ts = this.#timers.now();
    const { user: from, name } = connection.config;
    return { id: crypto.randomUUID(), conversation, room, from, name, text, ...(attachments ? { attachments } : {}), ts, order: pendingOrder(ts), status: 'queued', mine: true };
  }

  #find(conversation: string): { connection: Connection; outbox: Outbox; room: string; uploader: LazyUploader } {
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
    if (event.type === 'message') this.tabs.broadcast((c) => c === event.message.conversation, event);
    else if ('conversation' in event && event.conversation) this.tabs.broadcast((c) => c === event.conversation, event);
    else this.tabs.broadcast(this.#onConnection(key), event);
    if (event.type === 'message' && !event.message.mine) this.#arrived(event.message);
    // The first join's catch-up is stored by now: it starts out read (worker/read-state.ts).
    if (event.type === 'joined')
      void this.reads.start(event.conversation).then((set) => (set ? this.#countUnread(event.conversation) : undefined), () => undefined);
  }

  /** A lost session: a gap at the end of each conversation, kept and shown in every tab. */
  async #sessionLost(key: string, conversations: string[]): Promise<void> {
    for (const conversation of conversations) {
      const gap = await this.gaps.add(conversation, this.#timers.now());
      if (gap) this.#emit(key, { type: 'gap', ...gap });
    }
  }

  /** Someone else's message is stored: the count changes, and one tab may alert (worker/alerts.ts). */
  #arrived(message: ChatMessage): void {
    void this.#countUnread(message.conversation).catch(() => undefined);
    const target = this.#alerts.target(message, this.tabs.showing(message.conversation));
    if (target) this.tabs.sendTo(target, { type: 'alert', message });
  }

  /**
   * Counts again and tells every tab of the conversation if the count changed. A burst of
   * messages costs one count at a time, and one more after it if any arrived meanwhile.
   */
  async #countUnread(conversation: string): Promise<void> {
    const running = this.#counting.get(conversation);
    if (running) return void (running.again = true);
    const state = { again: true };
    this.#counting.set(conversation, state);
    try {
      while (state.again) {
        state.again = false;
        const { read, unread } = await this.reads.count(conversation);
        const key = `${read}:${unread}`;
        // A burst recounts at most every UNREAD_RECOUNT ms: a count in a loop would hold the
        // messages store that every inbound write waits for.
        if (state.again) await new Promise((done) => this.#timers.setTimeout(() => done(undefined), UNREAD_RECOUNT));
        if (state.again || this.#unreadSent.get(conversation) === key) continue;
        this.#unreadSent.set(conversation, key);
        this.tabs.broadcast((c) => c === conversation, { type: 'unread', conversation, read, unread });
      }
    } finally {
      this.#counting.delete(conversation);
    }
  }

  /** Something changed on connection `key`: its figures go to its tabs within HEALTH_EVERY ms. */
  #healthChanged(key: string): void {
    const entry = this.#connections.get(key);
    if (!entry || entry.health.pending) return;
    entry.health.start(HEALTH_EVERY, () => {
      if (this.#connections.get(key) !== entry) return;
      this.#linkHealth(entry).then(
        (health) => this.tabs.broadcast(this.#onConnection(key), { type: 'health', health }),
        () => undefined,
      );
    });
  }

  /**
   * Starts the grace timer of every connection no tab uses. The grace keeps the socket through
   * a reload only while the worker itself lives on: another tab of the engine, or Chromium's
   * `extendedLifetime` (widget/engine-client/shared.ts). Elsewhere the worker dies with its last tab
   * and the outbox carries queued messages over (docs/platform.md, "SharedWorker").
   */
  #closeUnused(): void {
    for (const [key, entry] of this.#connections) {
      if (this.tabs.uses(this.#onConnection(key)) || entry.idle.pending) continue;
      entry.idle.start(entry.connection.options.idleGrace, () => {
        entry.uploader.close();
        entry.connection.close();
        this.#connections.delete(key);
        for (const [conversation, c] of this.#conversations) if (c.key === key) this.#conversations.delete(conversation);
      });
    }
  }
}
