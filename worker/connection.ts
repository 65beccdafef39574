import {
  conversationKey,
  type ChatMessage,
  type ConnectionConfig,
  type EngineEvent,
  type EngineOptions,
  type MessageStatus,
  type StateChange,
} from './api.ts';
import { Backoff } from './backoff.ts';
import { ConnectionStateMachine } from './connection-state.ts';
import { toInfo, type ParleyError } from './errors.ts';
import { Heartbeat } from './heartbeat.ts';
import type { History } from './history.ts';
import type { Outbox } from './outbox.ts';
import { Timer, type Timers } from './timers.ts';
import type { InboundMessage, Transport, TransportEvents, TransportFactory } from './transports/transport.ts';

export interface ConnectionDeps {
  timers: Timers;
  random: () => number;
  load: (protocol: ConnectionConfig['protocol']) => Promise<TransportFactory>;
  deviceId: () => Promise<string>;
  outbox: Outbox;
  history: History;
  online: () => boolean;
  emit: (event: EngineEvent) => void;
}

/**
 * One link to one server for one user, shared by every widget and tab with that configuration.
 * Owns the state machine, heartbeat, backoff and outbox draining, so they behave the same on
 * every protocol; the transport only frames and parses.
 */
export class Connection {
  readonly #machine: ConnectionStateMachine;
  readonly #backoff: Backoff;
  readonly #heartbeat: Heartbeat;
  readonly #retry: Timer;
  readonly #stable: Timer;
  /** room → conversation key */
  readonly #rooms = new Map<string, string>();
  /** id → conversation of messages sent on the current link and not yet acknowledged. */
  readonly #inflight = new Map<string, string>();
  /** Counts connect attempts, so that a slow load for an old attempt cannot touch a newer one. */
  #attemptId = 0;
  /** Rooms whose oldest message we have: the server said so. */
  readonly #exhausted = new Set<string>();
  #transport?: Transport;
  #flushing: Promise<void> = Promise.resolve();
  opens = 0;

  constructor(
    readonly key: string,
    public config: ConnectionConfig,
    readonly options: EngineOptions,
    readonly deps: ConnectionDeps,
  ) {
    this.#machine = new ConnectionStateMachine(key, (change) => deps.emit({ type: 'state', change }));
    this.#backoff = new Backoff({ base: options.backoffBase, cap: options.backoffCap, random: deps.random });
    this.#retry = new Timer(deps.timers);
    this.#stable = new Timer(deps.timers);
    this.#heartbeat = new Heartbeat(deps.timers, {
      interval: options.heartbeatInterval,
      timeout: options.heartbeatTimeout,
      ping: () => this.#transport?.ping(),
      dead: () => this.#lost('heartbeat-timeout', 'No answer from the server in time.'),
    });
  }

  get state(): StateChange {
    return this.#machine.current;
  }

  start(): void {
    if (this.#machine.state === 'idle') this.#connect('start');
  }

  join(room: string): string {
    const conversation = conversationKey(this.key, room);
    if (!this.#rooms.has(room)) {
      this.#rooms.set(room, conversation);
      // Messages for this room may have waited in the outbox for a tab to open it.
      if (this.#machine.state === 'open') void this.#joinRoom(room, conversation).then(() => this.flush());
    }
    return conversation;
  }

  /** Call after the message is in the outbox. */
  flush(): Promise<void> {
    // One drain at a time, so that messages go out in outbox order.
    this.#flushing = this.#flushing.then(() => this.#drain()).catch((e) => this.#report(e));
    return this.#flushing;
  }

  typing(room: string, typing: boolean): void {
    if (this.#machine.state === 'open') this.#transport?.typing(room, typing);
  }

  older(room: string, before: number | string, limit: number): void {
    if (this.#machine.state === 'open') this.#transport?.older(room, before, limit);
  }

  /** The visitor pressed "Retry now": skip the wait, and start again even after `failed`. */
  reconnectNow(): void {
    if (this.#machine.state !== 'failed') return this.wake('retry-now');
    this.#backoff.reset();
    this.#connect('retry-now');
  }

  /**
   * Something suggests the network changed (`online`, a tab became visible): check an open
   * link at once instead of waiting out the heartbeat interval, and skip a pending backoff
   * wait. A `failed` connection stays failed; only the visitor retries it.
   */
  wake(reason: string): void {
    const state = this.#machine.state;
    if (state === 'open') this.#heartbeat.probe();
    else if (state === 'reconnecting' || state === 'offline') this.#connect(reason);
  }

  /**
   * A widget brings a new password or token (the visitor fixed a typo, a token was renewed).
   * After a refusal, try again with it at once; otherwise it is used from the next connect.
   */
  updateCredentials(password: string | undefined): void {
    if (password === this.config.password) return;
    this.config = { ...this.config, password };
    if (this.#machine.state === 'failed') this.reconnectNow();
  }

  /** True once the server said it has nothing older for the room. */
  exhausted(room: string): boolean {
    return this.#exhausted.has(room);
  }

  offline(): void {
    if (this.#machine.can('offline')) this.#stop('offline', 'network-offline');
  }

  close(): void {
    if (this.#machine.can('closed')) this.#stop('closed', 'closed-by-client');
  }

  #connect(reason: string): void {
    if (!this.deps.online()) {
      if (this.#machine.can('offline')) this.#stop('offline', 'network-offline');
      return;
    }
    this.#teardown();
    this.#machine.go('connecting', reason, { attempt: this.#backoff.attempt });
    this.opens += 1;
    // The heartbeat also bounds the handshake: a connect that hangs counts as a dead link.
    this.#heartbeat.start();
    const attempt = ++this.#attemptId;
    const current = () => attempt === this.#attemptId && this.#machine.state === 'connecting';
    Promise.all([this.deps.load(this.config.protocol), this.deps.deviceId()]).then(
      ([factory, deviceId]) => {
        if (!current()) return;
        try {
          const transport = factory(this.config, this.#eventsFor(() => this.#transport === transport), { deviceId });
          this.#transport = transport;
          transport.open();
        } catch (e) {
          // A bad URL or option: every retry would throw the same.
          this.#stop('failed', 'config', { code: 'config', message: `Cannot connect with this configuration: ${e instanceof Error ? e.message : e}` });
        }
      },
      // The chunk or the database could not be loaded: perhaps the network, so try again.
      (e) => current() && this.#lost('transport-load', `Could not load the ${this.config.protocol} transport: ${e}`),
    );
  }

  /** Transport events, ignored once that transport is no longer current. */
  #eventsFor(current: () => boolean): TransportEvents {
    const guard =
      <A extends unknown[], R>(fn: (...args: A) => R) =>
      (...args: A): R | undefined =>
        current() ? fn(...args) : undefined;
    return {
      open: guard(() => this.#opened()),
      activity: guard(() => this.#heartbeat.alive()),
      message: guard((m) => this.#received(m).catch((e) => this.#report(e))),
      ack: guard((id, info) => void this.#acked(id, info.seq).catch((e) => this.#report(e))),
      reject: guard((id, error) => void this.#rejected(id, error).catch((e) => this.#report(e))),
      typing: guard((room, from, typing) => {
        const conversation = this.#rooms.get(room);
        if (conversation && from !== this.config.user) this.deps.emit({ type: 'typing', conversation, from, typing });
      }),
      receipt: guard((id, status) => void this.#receipted(id, status).catch((e) => this.#report(e))),
      historyEnd: guard((room) => {
        this.#exhausted.add(room);
        const conversation = this.#rooms.get(room);
        if (conversation) this.deps.emit({ type: 'history-end', conversation });
      }),
      caughtUp: guard((room, cursor) => {
        const conversation = this.#rooms.get(room);
        if (conversation) void this.deps.history.advanceCursor(conversation, cursor).catch((e) => this.#report(e));
      }),
      error: guard((error) => this.#report(error)),
      close: guard((info) => {
        this.#transport = undefined;
        if (info.fatal) this.#stop('failed', info.code, { code: info.code, message: info.reason });
        else this.#lost(info.code, info.reason);
      }),
    };
  }

  #opened(): void {
    this.#machine.go('open', 'connected', { attempt: this.#backoff.attempt });
    // Only a link that stays up proves the server healthy; a flapping one keeps backing off.
    this.#stable.start(this.options.stableAfter, () => this.#backoff.reset());
    // Join first: the server refuses a message for a room the link has not joined.
    const joins = [...this.#rooms].map(([room, conversation]) => this.#joinRoom(room, conversation));
    void Promise.all(joins).then(() => this.flush());
  }

  async #joinRoom(room: string, conversation: string): Promise<void> {
    const cursor = await this.deps.history.cursor(conversation);
    if (this.#machine.state === 'open') this.#transport?.join(room, cursor);
  }

  /** The link broke. Reconnect after a backoff delay, unless we have run out of attempts. */
  #lost(reason: string, detail: string): void {
    if (!this.deps.online()) return this.offline();
    if (this.#backoff.attempt >= this.options.maxAttempts) {
      return this.#stop('failed', 'max-attempts', {
        code: 'max-attempts',
        message: `Gave up after ${this.#backoff.attempt} attempts: ${detail}`,
      });
    }
    this.#teardown();
    const delay = this.#backoff.next();
    const nextRetryAt = this.deps.timers.now() + delay;
    this.#machine.go('reconnecting', reason, { attempt: this.#backoff.attempt, nextRetryAt });
    this.#retry.start(delay, () => this.#connect('backoff'));
  }

  #stop(to: 'offline' | 'failed' | 'closed', reason: string, error?: { code: string; message: string }): void {
    this.#teardown();
    this.#machine.go(to, reason, { attempt: this.#backoff.attempt, error });
  }

  #teardown(): void {
    this.#heartbeat.stop();
    this.#retry.stop();
    this.#stable.stop();
    const unacked = [...this.#inflight];
    this.#inflight.clear();
    const transport = this.#transport;
    this.#transport = undefined;
    transport?.close();
    // What went out unacknowledged waits for the next link again.
    for (const [id, conversation] of unacked) void this.#setStatus(conversation, id, ['sending'], 'queued');
  }

  async #drain(): Promise<void> {
    for (const entry of await this.deps.outbox.pending(this.key)) {
      if (this.#machine.state !== 'open' || !this.#transport) return;
      if (this.#inflight.has(entry.id)) continue;
      const message = await this.deps.history.get(entry.conversation, entry.id);
      if (!message) {
        await this.deps.outbox.remove(entry.id);
        continue;
      }
      // Waits for a tab to open its room: the server would refuse it now.
      if (!this.#rooms.has(message.room)) continue;
      this.#inflight.set(message.id, message.conversation);
      // Status first, and only from `queued`: an ack that lands meanwhile must win.
      const sending = await this.#setStatus(message.conversation, message.id, ['queued', 'sending'], 'sending');
      const transport = this.#transport;
      if (!sending || !(await this.deps.outbox.has(message.id)) || this.#machine.state !== 'open' || !transport) {
        this.#inflight.delete(message.id);
        continue;
      }
      transport.send({ id: message.id, room: message.room, from: message.from, text: message.text, ts: message.ts });
    }
  }

  async #received(inbound: InboundMessage): Promise<void> {
    const conversation = this.#rooms.get(inbound.room);
    if (!conversation) return;
    const message: ChatMessage = { ...inbound, conversation, mine: inbound.from === this.config.user };
    if (await this.deps.history.receive(message)) this.deps.emit({ type: 'message', message });
  }

  async #acked(id: string, seq: number | string | undefined): Promise<void> {
    // Out of the outbox before out of #inflight, so that a drain never sees it as unsent.
    const entry = await this.deps.outbox.remove(id);
    this.#inflight.delete(id);
    // A second ack for the same id (after a resend) finds nothing queued and changes nothing.
    if (!entry) return;
    await this.#setStatus(entry.conversation, id, ['queued', 'sending', 'failed'], 'sent', undefined, { seq });
  }

  /** The peer got or read our message: `sent` → `delivered` → `read`, never backwards. */
  async #receipted(id: string, status: 'delivered' | 'read'): Promise<void> {
    for (const conversation of this.#rooms.values()) {
      const message = await this.deps.history.get(conversation, id);
      if (!message?.mine) continue;
      // A receipt proves the server had it, even if its own ack is still on the way.
      if (message.status === 'queued' || message.status === 'sending') await this.#acked(id, undefined);
      // Never backwards: a late delivery receipt does not undo `read`.
      await this.#setStatus(conversation, id, status === 'read' ? ['sent', 'delivered'] : ['sent'], status);
      return;
    }
  }

  async #rejected(id: string, error: ParleyError): Promise<void> {
    // A refused message must not block the ones behind it; it waits for retry() or cancel().
    const entry = await this.deps.outbox.remove(id);
    this.#inflight.delete(id);
    if (!entry) return;
    await this.#setStatus(entry.conversation, id, ['queued', 'sending'], 'failed', error.message);
  }

  /** Moves a message to `to` if it is in one of `from`, and tells the tabs. */
  async #setStatus(
    conversation: string,
    id: string,
    from: MessageStatus[],
    to: MessageStatus,
    error?: string,
    also?: Partial<ChatMessage>,
  ) {
    const changed = await this.deps.history.transition(conversation, id, from, to, error, also);
    if (changed) this.deps.emit({ type: 'status', conversation, id, status: to, error });
    return changed;
  }

  #report(e: unknown): void {
    this.deps.emit({ type: 'error', error: toInfo(e) });
  }
}
