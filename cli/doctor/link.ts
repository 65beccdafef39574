import type { ConnectionConfig } from '../../worker/api.ts';
import type { ParleyError } from '../../worker/errors.ts';
import type { CloseInfo, InboundMessage, Transport, TransportEvents, TransportModule } from '../../worker/transports/transport.ts';
import { taps, type SocketTap } from './tap.ts';

/** What a transport reported, in order. */
export type LinkEvent =
  | { type: 'open' }
  | { type: 'joined'; room: string }
  | { type: 'message'; message: InboundMessage }
  | { type: 'ack'; id: string }
  | { type: 'reject'; id: string; error: ParleyError }
  | { type: 'error'; error: ParleyError }
  | { type: 'close'; info: CloseInfo };

/** The link closed before the awaited event came. */
export class LinkClosed extends Error {
  override name = 'LinkClosed';
  constructor(readonly info: CloseInfo) {
    super(info.reason);
  }
}

type Waiter = { match: (e: LinkEvent) => boolean; done: (e: LinkEvent) => void; fail: (e: LinkClosed) => void };

/** Mirrors the engine's heartbeat defaults (README, "Engine options"), which an MQTT CONNECT announces. */
const HEARTBEAT = { interval: 15_000, timeout: 5_000 };

/**
 * One of the engine's transports, driven the way the Connection drives it (worker/connection.ts),
 * with its events kept as a list a layer can wait on.
 */
export class Link {
  readonly events: LinkEvent[] = [];
  readonly transport: Transport;
  #waiters: Waiter[] = [];
  #firstTap: number;
  /** performance.now() when `open` was reported, in ms. */
  openAt?: number;

  /** `deviceId` names this link to the server (MQTT client id, XMPP resource): distinct per link. */
  constructor(module: TransportModule, config: ConnectionConfig, deviceId: string) {
    const push = (e: LinkEvent) => this.#push(e);
    const events: TransportEvents = {
      open: () => {
        this.openAt = performance.now();
        push({ type: 'open' });
      },
      activity: () => undefined,
      joined: (room) => push({ type: 'joined', room }),
      // Nothing is stored: resolving at once lets the transport acknowledge it to the server.
      message: async (message) => push({ type: 'message', message }),
      ack: (id) => push({ type: 'ack', id }),
      reject: (id, error) => push({ type: 'reject', id, error }),
      typing: () => undefined,
      receipt: () => undefined,
      historyEnd: () => undefined,
      caughtUp: () => undefined,
      error: (error) => push({ type: 'error', error }),
      close: (info) => push({ type: 'close', info }),
    };
    this.#firstTap = taps.length;
    this.transport = module.create(config, events, { deviceId, heartbeat: HEARTBEAT }, module.session());
  }

  /** The first socket this link's transport made (each transport makes one). */
  get tap(): SocketTap | undefined {
    return taps[this.#firstTap];
  }

  get closed(): CloseInfo | undefined {
    const e = this.events.find((x) => x.type === 'close');
    return e?.type === 'close' ? e.info : undefined;
  }

  open(): void {
    this.#firstTap = taps.length;
    this.transport.open();
  }

  /** The first event (past or future) that matches; fails with LinkClosed if the link closes first. */
  until<T extends LinkEvent>(match: (e: LinkEvent) => e is T): Promise<T>;
  until(match: (e: LinkEvent) => boolean): Promise<LinkEvent>;
  until(match: (e: LinkEvent) => boolean): Promise<LinkEvent> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    const closed = this.closed;
    if (closed) return Promise.reject(new LinkClosed(closed));
    return new Promise((done, fail) => this.#waiters.push({ match, done, fail }));
  }

  close(): void {
    this.transport.close();
  }

  #push(e: LinkEvent): void {
    this.events.push(e);
    this.#waiters = this.#waiters.filter((w) => {
      if (w.match(e)) return w.done(e), false;
      if (e.type === 'close') return w.fail(new LinkClosed(e.info)), false;
      return true;
    });
  }
}
