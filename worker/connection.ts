import { conversationKey, serverUrls, type Capabilities, type ConnectionConfig, type EngineEvent, type LinkSettings } from './api.ts';
import type { EngineOptions, ErrorInfo, StateChange } from './api.ts';
import type { StateReason } from './codes.ts';
import { ConnectionStateMachine } from './connection-state.ts';
import { Delivery } from './delivery.ts';
import { toInfo } from './errors.ts';
import { HealthRecorder } from './health.ts';
import { Heartbeat } from './heartbeat.ts';
import type { History } from './history.ts';
import type { Outbox } from './outbox.ts';
import type { Timers } from './timers.ts';
import { ErrorThrottle } from './error-throttle.ts';
import { linkEvents } from './link-events.ts';
import { withSettings } from './link-settings.ts';
import { ReconnectPolicy } from './reconnect-policy.ts';
import { RoomJoins } from './room-joins.ts';
import { Rooms } from './rooms.ts';
import type { FileInfo, Transport, TransportEvents, TransportModule, UploadSlot } from './transports/transport.ts';

export interface ConnectionDeps {
  timers: Timers;
  random: () => number;
  load: (protocol: ConnectionConfig['protocol']) => Promise<TransportModule>;
  deviceId: () => Promise<string>;
  outbox: Outbox;
  history: History;
  online: () => boolean;
  emit: (event: EngineEvent) => void;
  /** The server lost a session the transport expected: a gap in each of these conversations (worker/gaps.ts). */
  sessionLost?: (conversations: string[]) => Promise<void>;
}

/**
 * One link to one server for one user, shared by every widget and tab with that configuration.
 * Owns the link's lifecycle (state machine, heartbeat, backoff) so that it behaves the same on
 * every protocol; Delivery (worker/delivery.ts) keeps the messages' books; the transport only
 * frames and parses.
 */
export class Connection {
  readonly delivery: Delivery;
  readonly health: HealthRecorder;
  readonly #machine: ConnectionStateMachine;
  /** Which server next, and how long to wait first (worker/reconnect-policy.ts). */
  readonly #reconnect: ReconnectPolicy;
  readonly #heartbeat: Heartbeat;
  /** Errors to the tabs, one code at most once a second (worker/error-throttle.ts). */
  readonly #errors: ErrorThrottle;
  /** Each room's conversation, which the server confirmed on this link, which have no more history. */
  readonly #rooms = new Rooms();
  /** Joins those rooms on each link (worker/room-joins.ts). */
  readonly #joins: RoomJoins;
  /**
   * Counts links (and connect attempts). Events from an older transport, a slow load for an
   * older attempt, or a store for a message of a dropped link see a newer number and back out:
   * the one mechanism by which nothing a closed transport reports reaches the engine.
   */
  #generation = 0;
  #transport?: Transport;
  #module?: TransportModule;
  /** State that outlives one link (XEP-0198 resumption, an ordering clock); see TransportModule. */
  #session?: unknown;
  opens = 0;

  constructor(
    readonly key: string,
    public config: ConnectionConfig,
    readonly options: EngineOptions,
    readonly deps: ConnectionDeps,
  ) {
    this.health = new HealthRecorder(() => deps.timers.now());
    this.#machine = new ConnectionStateMachine(key, (change) => {
      this.health.state(change);
      deps.emit({ type: 'state', change });
    });
    this.#reconnect = new ReconnectPolicy(serverUrls(config), options, deps.timers, deps.random);
    this.#errors = new ErrorThrottle(deps.timers, (error) => deps.emit({ type: 'error', error }));
    this.#heartbeat = new Heartbeat(deps.timers, {
      interval: options.heartbeatInterval,
      timeout: options.heartbeatTimeout,
      ping: () => this.#transport?.ping(),
      dead: () => this.#lost('heartbeat-timeout', 'No answer from the server in time.'),
      answered: (rtt) => this.health.rtt(rtt),
    });
    this.delivery = new Delivery(key, deps.outbox, deps.history, {
      user: () => this.config.user,
      conversationOf: (room) => this.#rooms.conversation(room),
      conversations: () => this.#rooms.conversations(),
      isLive: (room) => this.#rooms.isLive(room),
      send: (message) => (this.#transport && this.#machine.state === 'open' ? (this.#transport.send(message), true) : false),
      generation: () => this.#generation,
      storageFailed: (error, generation) => {
        this.#report(error);
        if (generation === this.#generation) this.#lost('storage', error.message);
      },
      emit: deps.emit,
    }, this.health);
    const link = {
      generation: () => this.#generation,
      open: () => (this.#machine.state === 'open' ? this.#transport : undefined),
      readMarkers: () => this.#module?.capabilities.readMarkers === true,
    };
    this.#joins = new RoomJoins(this.#rooms, link, deps.history, this.delivery, deps.emit);
  }

  get state(): StateChange {
    return this.#machine.current;
  }

  /** The server URL in use, or being tried. */
  get url(): string {
    return this.#reconnect.url;
  }

  /** What the protocol can do; loads its chunk if no link has yet. */
  async capabilities(): Promise<Capabilities> {
    return (this.#module ??= await this.deps.load(this.config.protocol)).capabilities;
  }

  start(): void {
    if (this.#machine.state === 'idle') this.#connect('start');
  }

  join(room: string): string {
    const conversation = conversationKey(this.key, room);
    this.#joins.add(room, conversation);
    return conversation;
  }

  /** The server has confirmed the room on the current link. */
  isLive(room: string): boolean {
    return this.#rooms.isLive(room);
  }

  typing(room: string, typing: boolean): void {
    if (this.#machine.state === 'open') this.#transport?.typing(room, typing);
  }

  /**
   * Tells the room's peers that the visitor read it up to the message `id`, where the protocol
   * can (`capabilities.readMarkers`); one that finds the room not live waits (RoomJoins.markRead).
   */
  markRead(room: string, id: string): void {
    this.#joins.markRead(room, id);
  }

  /** Asks the server for messages older than the oldest we hold; they arrive as messages. */
  async older(room: string, limit: number): Promise<void> {
    const conversation = this.#rooms.conversation(room);
    if (!conversation || this.#machine.state !== 'open' || !(await this.capabilities()).serverHistory) return;
    const before = await this.deps.history.oldestCursor(conversation);
    if (before && this.#machine.state === 'open') this.#transport?.older(room, before, limit);
  }

  /** A XEP-0363 upload slot on the current link (worker/uploads/uploader.ts); rejects without one. */
  uploadSlot(file: FileInfo): Promise<UploadSlot> {
    const transport = this.#transport;
    if (!transport?.uploadSlot || this.#machine.state !== 'open') return Promise.reject(new Error('The connection is not open.'));
    return transport.uploadSlot(file);
  }

  /** The visitor pressed "Retry now": skip the wait, and start again even after `failed`. */
  reconnectNow(): void {
    if (this.#machine.state !== 'failed') return this.wake('retry-now');
    this.#reconnect.restart();
    this.#connect('retry-now');
  }

  /**
   * Something suggests the network changed (`online`, a tab became visible): check an open
   * link at once instead of waiting out the heartbeat interval, and skip a pending backoff
   * wait. A `failed` connection stays failed; only the visitor retries it.
   */
  wake(reason: 'retry-now' | 'network-online' | 'tab-visible'): void {
    const state = this.#machine.state;
    if (state === 'open') this.#heartbeat.probe();
    else if (state === 'reconnecting' || state === 'offline') this.#connect(reason);
  }

  /**
   * New settings from a widget (worker/link-settings.ts). Credentials are used from the next
   * connect, and at once after a refusal. A new name goes on own messages written from now on
   * (worker/own-message.ts); the link took the old one when it was made (the relay's hello,
   * MQTT's typing notices, the presence that joins an XMPP room), so a live link is made again.
   */
  update(settings: LinkSettings): void {
    const merged = withSettings(this.config, settings, this.#module?.capabilities.senderName);
    if (!merged) return;
    this.config = merged.config;
    const state = this.#machine.state;
    if (state === 'failed') this.reconnectNow();
    else if (merged.renamed && (state === 'open' || state === 'connecting')) this.#renew();
  }

  /** True once the server said it has nothing older for the room, or keeps no history at all. */
  exhausted(room: string): boolean {
    return this.#rooms.isExhausted(room) || this.#module?.capabilities.serverHistory === false;
  }

  offline(): void {
    if (this.#machine.can('offline')) this.#stop('offline', 'network-offline');
  }

  close(): void {
    if (this.#machine.can('closed')) this.#stop('closed', 'closed-by-client');
  }

  #connect(reason: StateReason): void {
    if (!this.deps.online()) {
      if (this.#machine.can('offline')) this.#stop('offline', 'network-offline');
      return;
    }
    this.#teardown();
    const url = this.#reconnect.url;
    this.#machine.go('connecting', reason, { attempt: this.#reconnect.attempt, url });
    this.opens += 1;
    // The heartbeat also bounds the handshake: a connect that hangs counts as a dead link.
    this.#heartbeat.start();
    const generation = this.#generation;
    const current = () => generation === this.#generation && this.#machine.state === 'connecting';
    Promise.all([this.deps.load(this.config.protocol), this.deps.deviceId()]).then(
      ([module, deviceId]) => {
        if (!current()) return;
        this.#module = module;
        this.#session ??= module.session();
        const heartbeat = { interval: this.options.heartbeatInterval, timeout: this.options.heartbeatTimeout };
        try {
          // The node in use; `urls` stays whole, for what must be the same on every node (an MQTT client id).
          const transport = module.create({ ...this.config, url }, this.#eventsFor(generation), { deviceId, heartbeat }, this.#session);
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

  /** Transport events of link `generation`, dropped once it is no longer the current one. */
  #eventsFor(generation: number): TransportEvents {
    return linkEvents(() => generation === this.#generation, {
      delivery: this.delivery,
      rooms: this.#rooms,
      history: this.deps.history,
      user: () => this.config.user,
      emit: this.deps.emit,
      sessionLost: this.deps.sessionLost,
      opened: () => this.#opened(),
      alive: () => this.#heartbeat.alive(),
      joined: (room) => this.#joins.confirmed(room),
      closed: (info) => (info.fatal ? this.#stop('failed', info.code, { code: info.code, message: info.reason }) : this.#lost(info.code, info.reason)),
      report: (e) => this.#report(e),
    });
  }

  #opened(): void {
    this.#reconnect.opened();
    this.#machine.go('open', 'connected', { attempt: this.#reconnect.attempt, url: this.#reconnect.url });
    this.#joins.opened();
  }

  /**
   * The link broke, or an attempt failed. Try the next URL of the server list at once; after a
   * whole round of failures, reconnect after a backoff delay, unless we have run out of attempts.
   */
  #lost(reason: StateReason, detail: string): void {
    if (!this.deps.online()) return this.offline();
    const next = this.#reconnect.next();
    if (next.kind === 'give-up') {
      const message = `Gave up after ${this.#reconnect.attempt} attempts: ${detail}`;
      return this.#stop('failed', 'max-attempts', { code: 'max-attempts', message });
    }
    this.#teardown();
    const delay = next.kind === 'wait' ? next.delay : 0;
    this.#machine.go('reconnecting', reason, { attempt: this.#reconnect.attempt, nextRetryAt: this.deps.timers.now() + delay, url: this.#reconnect.url });
    if (next.kind === 'failover') this.#connect('failover');
    else this.#reconnect.schedule(delay, () => this.#connect('backoff'));
  }

  /** Ends the link and makes a new one now, with no backoff: the server must hear new settings. */
  #renew(): void {
    this.#teardown();
    this.#machine.go('reconnecting', 'settings-changed', { attempt: this.#reconnect.attempt, nextRetryAt: this.deps.timers.now(), url: this.#reconnect.url });
    this.#connect('settings-changed');
  }

  #stop(to: 'offline' | 'failed' | 'closed', reason: StateReason, error?: ErrorInfo): void {
    this.#teardown();
    this.#machine.go(to, reason, { attempt: this.#reconnect.attempt, error });
  }

  /** Ends the current link, if any: its transport's later events back out (see #generation). */
  #teardown(): void {
    this.#generation += 1;
    this.#heartbeat.stop();
    this.#reconnect.stop();
    this.#rooms.linkEnded();
    const transport = this.#transport;
    this.#transport = undefined;
    transport?.close();
    this.delivery.dropped();
  }

  #report(e: unknown): void {
    this.#errors.add(toInfo(e));
  }
}
