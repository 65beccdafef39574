/**
 * What `health()` and `stats()` report: each connection's figures, gathered from its link,
 * its HealthRecorder (worker/health.ts) and its outbox (docs/engine.md, "Health").
 */

import type { EngineStats, LinkHealth } from './api.ts';
import type { ConnectionEntry } from './connection-entry.ts';
import type { UncaughtErrors } from './uncaught.ts';

/** One connection's figures; `now` is ms since the epoch, for the age of the oldest queued message. */
export async function linkHealth({ connection, outbox }: ConnectionEntry, now: () => number): Promise<LinkHealth> {
  const { depth, oldest } = await outbox.depth(connection.key);
  const { protocol, urls } = connection.config;
  return {
    connection: connection.key,
    protocol,
    url: connection.url,
    ...(urls && urls.length > 1 ? { urls } : {}),
    state: connection.state.to,
    ...connection.health.snapshot(),
    outbox: { depth, oldestAge: oldest ? now() - oldest.ts : undefined },
  };
}

/** Opens and server URL per connection key, for diagnostics and tests. */
export function engineStats(tabs: number, connections: Map<string, ConnectionEntry>, uncaught: UncaughtErrors): EngineStats {
  const opens: Record<string, number> = {};
  const urls: Record<string, string> = {};
  for (const [key, { connection }] of connections) {
    opens[key] = connection.opens;
    urls[key] = connection.url;
  }
  return { tabs, connections: connections.size, opens, urls, uncaught: { ...uncaught } };
}

/** Shortest time between two `health` events of one connection, in ms. */
const HEALTH_EVERY = 1_000;

/**
 * Something changed on the entry's connection: its figures go to `send` within HEALTH_EVERY ms,
 * unless `current()` says the connection was closed (and maybe replaced) meanwhile.
 */
export function healthSoon(entry: ConnectionEntry, current: () => boolean, now: () => number, send: (health: LinkHealth) => void): void {
  if (entry.health.pending) return;
  entry.health.start(HEALTH_EVERY, () => {
    if (!current()) return;
    linkHealth(entry, now).then(send, () => undefined);
  });
}
