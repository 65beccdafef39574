/**
 * What the engine keeps per connection: the link, its outbox, its uploader and its timers,
 * made together when the first tab opens a room on it.
 */

import type { ConnectionConfig, EngineEvent } from './api.ts';
import { Connection } from './connection.ts';
import type { ParleyDb } from './db.ts';
import { defaultOptions } from './engine-options.ts';
import type { History } from './history.ts';
import { Outbox } from './outbox.ts';
import { Timer, type Timers } from './timers.ts';
import type { TransportModule } from './transports/transport.ts';
import { LazyUploader } from './uploads/lazy-uploader.ts';

export interface ConnectionEntry {
  connection: Connection;
  outbox: Outbox;
  /** Sends the connection's figures once things have changed, at most every HEALTH_EVERY ms (worker/health-report.ts). */
  health: Timer;
  /** Closes the connection once no tab has used it for `idleGrace` ms. */
  idle: Timer;
  /** Its messages' files (worker/uploads/uploader.ts). */
  uploader: LazyUploader;
}

/** What a connection's parts take from the engine. */
export interface EntryDeps {
  db: () => Promise<ParleyDb>;
  deviceId: () => Promise<string>;
  history: History;
  load: (protocol: ConnectionConfig['protocol']) => Promise<TransportModule>;
  timers: Timers;
  random: () => number;
  online: () => boolean;
  emit: (event: EngineEvent) => void;
  sessionLost: (conversations: string[]) => Promise<void>;
}

/** A new connection for `config`, with the options of the first widget that opened it. */
export function createEntry(key: string, config: ConnectionConfig, deps: EntryDeps): ConnectionEntry {
  const { timers, random, emit } = deps;
  const options = { ...defaultOptions, ...config.options };
  const outbox = new Outbox(deps.db, options.outboxLimit, deps.history.fault);
  const connection = new Connection(key, config, options, {
    timers,
    random,
    load: deps.load,
    deviceId: deps.deviceId,
    outbox,
    history: deps.history,
    online: deps.online,
    emit,
    sessionLost: deps.sessionLost,
  });
  const uploader = new LazyUploader({
    db: deps.db,
    history: deps.history,
    config: () => connection.config,
    capabilities: () => connection.capabilities(),
    slot: (file) => connection.uploadSlot(file),
    queued: () => outbox.ids(key),
    flush: () => void connection.delivery.flush(),
    emit,
    timers,
    random,
    backoff: { base: options.backoffBase, cap: options.backoffCap },
  });
  return { connection, outbox, uploader, idle: new Timer(timers), health: new Timer(timers) };
}

/**
 * Starts the grace timer of every connection no tab uses. The grace keeps the socket through
 * a reload only while the worker itself lives on: another tab of the engine, or Chromium's
 * `extendedLifetime` (widget/engine-client/shared.ts). Elsewhere the worker dies with its last tab
 * and the outbox carries queued messages over (docs/platform.md, "SharedWorker").
 * `conversations` maps each conversation to its connection key; those of a closed connection go too.
 */
export function closeUnused(
  connections: Map<string, ConnectionEntry>,
  conversations: Map<string, { key: string }>,
  used: (key: string) => boolean,
): void {
  for (const [key, entry] of connections) {
    if (used(key) || entry.idle.pending) continue;
    entry.idle.start(entry.connection.options.idleGrace, () => {
      entry.uploader.close();
      entry.connection.close();
      connections.delete(key);
      for (const [conversation, c] of conversations) if (c.key === key) conversations.delete(conversation);
    });
  }
}
