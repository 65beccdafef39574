import type { IncomingMessage } from 'node:http';

/** The relay's limits on who may connect and how fast they may write (docs/relay.md). */
export interface RelayLimits {
  /**
   * Whether a page from another origin (the upgrade's `Origin` header, e.g.
   * `https://shop.example`) may open a relay socket. The server's own origin always may.
   * Default: any. A browser always sends Origin, so this keeps other sites' pages from using the
   * relay with their visitors' connections; it is no defence against a program that is not a
   * browser, which can send any header.
   */
  allowOrigin?: (origin: string) => boolean;
  /** Most relay sockets open at once from one IP address. Default: no limit (`npm start` sets 50). */
  maxConnectionsPerIp?: number;
  /** Chat messages one socket may send per second, sustained. Default: no limit (`npm start` sets 20). */
  messagesPerSecond?: number;
  /** Chat messages one socket may send at once before the rate applies. Default 100. */
  messageBurst?: number;
}

/**
 * A token bucket: `rate` tokens a second up to `burst`. `take()` spends one and returns 0, or
 * returns the ms until one is free. `now` is injectable for tests (ms).
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  take(): number {
    if (this.rate === Infinity) return 0;
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.rate) / 1000);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.rate);
  }
}

/** Why an upgrade is refused: a relay error code and words for the visitor's widget. */
export interface Refusal {
  code: 'origin' | 'too-many-connections';
  message: string;
  /** The client can do nothing about it by retrying. */
  fatal: boolean;
}

/** A page or worker of the server's own origin: its Origin names the host the request went to. */
const sameOrigin = (req: IncomingMessage, origin: string): boolean => {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
};

/** Counts sockets per IP and checks each upgrade against the limits. */
export function relayGuards(limits: RelayLimits = {}) {
  const perIp = new Map<string, number>();
  const maxPerIp = limits.maxConnectionsPerIp ?? Infinity;
  const ipOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  return {
    /** Checks an upgrade before it is accepted; undefined if it may proceed. */
    admit(req: IncomingMessage): Refusal | undefined {
      const origin = req.headers.origin;
      if (limits.allowOrigin && origin !== undefined && !sameOrigin(req, origin) && !limits.allowOrigin(origin))
        return { code: 'origin', message: `This relay does not serve pages from ${origin}.`, fatal: true };
      if ((perIp.get(ipOf(req)) ?? 0) >= maxPerIp)
        return { code: 'too-many-connections', message: `At most ${maxPerIp} connections per address are allowed; try again later.`, fatal: false };
      return undefined;
    },
    /** A socket of `req` opened; returns what to call when it closes. */
    opened(req: IncomingMessage): () => void {
      const ip = ipOf(req);
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      };
    },
    /** A rate limiter for one socket's chat messages. */
    bucket: () => new TokenBucket(limits.messagesPerSecond ?? Infinity, limits.messageBurst ?? 100),
  };
}
