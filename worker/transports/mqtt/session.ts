import type { IClientOptions, Timer } from 'mqtt';
import { serverUrls, type ConnectionConfig } from '../../api.ts';
import type { TransportContext } from '../transport.ts';

/**
 * The MQTT client id for a persistent session: stable per browser profile (the engine's
 * device id), user and broker URL, so two users in one browser, or one user on two brokers
 * behind one address, never take over each other's session (§3.1.4, step 2). With a server
 * list it hashes the whole list, so every node of the cluster sees the same client.
 * `parley` + 17 hex digits = 23 characters of [0-9a-zA-Z], which every MQTT 3.1.1 server must
 * accept (§3.1.3.1). `generation` > 0 gives another id for the same connection, for when the
 * broker cannot reach the session of the usual one (session-watch.ts).
 */
export async function clientIdFor(deviceId: string, config: Pick<ConnectionConfig, 'user' | 'url' | 'urls'>, generation = 0): Promise<string> {
  const suffix = generation > 0 ? `\u0000${generation}` : '';
  const input = new TextEncoder().encode(`${deviceId}\u0000${config.user}\u0000${serverUrls(config).join(' ')}${suffix}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `parley${hex.slice(0, 17)}`;
}

/**
 * The Keep Alive we announce in CONNECT, in seconds (§3.1.2.10). The broker drops a client it
 * has not heard from for 1.5 times this, which clears a browser that vanished without a
 * DISCONNECT. We announce twice the engine's worst-case ping cycle (`context.heartbeat`:
 * interval + timeout, in ms), so a live engine always pings the broker in time. mqtt.js's own
 * keepalive timer is switched off (below): the engine's heartbeat decides when to ping.
 */
export function keepaliveSeconds({ interval, timeout }: TransportContext['heartbeat']): number {
  // 16-bit field (§3.1.2.10); 0 would switch the broker's check off.
  return Math.min(65_535, Math.max(1, Math.ceil((2 * (interval + timeout)) / 1000)));
}

/**
 * mqtt.js's keepalive timer, switched off: every `set` is a no-op. The Connection's heartbeat
 * is the only thing that decides when to ping (it calls ping(), which sends PINGREQ) and
 * when the link is dead; a second timer would ping and drop the link on its own schedule.
 */
const noKeepaliveTimer: Timer = { set: () => 0, clear: () => undefined };

/** mqtt.js settings that leave retries, queues and timers to the Connection (docs/mqtt.md). */
export const clientOptions = (config: ConnectionConfig, clientId: string, heartbeat: TransportContext['heartbeat']): IClientOptions => ({
  clientId,
  protocolVersion: 4,
  // A persistent session: the broker keeps subscriptions and QoS 1 messages while the
  // browser is away (§3.1.2.4).
  clean: false,
  username: config.user,
  password: config.password,
  keepalive: keepaliveSeconds(heartbeat),
  timerVariant: noKeepaliveTimer,
  // The Connection reconnects with backoff and rejoins rooms, and makes a new transport (and a
  // new client, with an empty store) for every attempt: the outbox is the only queue.
  reconnectPeriod: 0,
  resubscribe: false,
  queueQoSZero: false,
  // The Connection's heartbeat already bounds the handshake; this only must not fire first.
  connectTimeout: 2_147_483_647,
});
