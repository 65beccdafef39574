import { executeServerCommand } from '@web/test-runner-commands';
import type { ChatMessage, EngineOptions } from '../../worker/api.ts';
import type { FaultRow } from '../support/fault-table.ts';
import type { FaultScale } from '../support/fault-scale.ts';
import type { WorkerProbe } from '../support/fault-probe.ts';
import type { ProxyMode } from '../support/tcp-proxy.ts';
import { FAST } from '../support/fast-options.ts';
import { mqttEnv } from './mqtt-env.ts';
import { env, openTab, stateText, type, uniqueName, waitFor, type Tab } from './tabs.ts';
import { xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * The fault matrix's shared driver (issue 12): each transport as a fixture (how two people talk
 * on it, how its server dies and comes back), a proxy that breaks one side's network, and the
 * three checks every scenario ends with:
 * 1. each receiver has every message the other side's widget accepted, once, in the server's order;
 * 2. each sender's outbox is empty;
 * 3. each sender's messages are `sent` or better.
 * Every scenario records one row of the summary table (test/support/fault-servers.ts).
 */

const command = async <T>(name: string, payload?: object): Promise<T> => (await executeServerCommand(name, payload)) as T;

export const faultScale = () => command<FaultScale>('fault-scale');
export const probeWorker = (engine: string) => command<WorkerProbe>('fault-worker-probe', { match: engine });

export type TransportName = 'relay' | 'mosquitto' | 'aedes' | 'prosody';
/** aedes is in the list where it differs from Mosquitto: its "kill" drops the listeners, it keeps its memory. */
export const TRANSPORTS: readonly TransportName[] = ['relay', 'mosquitto', 'aedes', 'prosody'];

/** How one person addresses the conversation. */
export interface Party {
  user: string;
  password?: string;
  room: string;
}

export interface Fixture {
  transport: TransportName;
  protocol: string;
  /** The server's own URL. */
  url: string;
  ann: Party;
  bob: Party;
  /**
   * The server puts every message of the room in one order (the relay's sequence): both sides'
   * lists are then the same sequence. Elsewhere the order is per sender: MQTT keeps one
   * publisher's order on a topic (MQTT 3.1.1 §4.6.0), XMPP one sender's to one recipient
   * (RFC 6120 §10.1), and nothing orders two senders against each other.
   */
  serverOrder: boolean;
  /**
   * The receiver gets one sender's messages in the order they were sent. Not so on aedes: it
   * hands a reconnecting persistent session what it stored for it while it forwards new
   * publications live, so one sent after its restart can overtake stored ones (seen in CI:
   * 43, 44, 94, 45…), against MQTT 3.1.1 §4.6's ordered topics. Parley shows what the broker
   * delivered, in the order it came; the row says the order was not checked.
   */
  senderOrder: boolean;
  options: Partial<EngineOptions>;
  /**
   * The server goes away mid-burst: the relay is closed in-process (its SQLite store commits
   * each message, so this is a crash as far as its data goes), Prosody gets SIGKILL, aedes drops
   * its listeners. Mosquitto gets SIGTERM: under SIGKILL it loses what it has not autosaved
   * (a subscriber's session, the messages queued for it) although it has acknowledged them, and
   * no client can make up for that (docs/faults.md).
   */
  kill(): Promise<void>;
  /** How `kill` ends the server, for the table. */
  killedBy: string;
  start(): Promise<void>;
  /** A URL and a person whose credentials the server refuses. */
  badAuth(): Promise<{ url: string; party: Party }>;
}

export async function fixture(transport: TransportName): Promise<Fixture> {
  const room = uniqueName('fault');
  switch (transport) {
    case 'relay': {
      const { relayUrl } = await env();
      return {
        transport,
        protocol: 'websocket',
        url: relayUrl,
        ann: { user: 'Ann', room },
        bob: { user: 'Bob', room },
        serverOrder: true,
        senderOrder: true,
        options: FAST,
        kill: () => command('relay-stop'),
        killedBy: 'closed',
        start: () => command('relay-start'),
        badAuth: async () => ({ url: (await command<{ url: string }>('fault-signed-relay')).url, party: { user: 'Mallory', room } }),
      };
    }
    case 'mosquitto':
    case 'aedes': {
      const broker = transport;
      const mqtt = await mqttEnv();
      return {
        transport,
        protocol: 'mqtt',
        url: mqtt[broker].url,
        ann: { user: 'Ann', room },
        bob: { user: 'Bob', room },
        serverOrder: false,
        senderOrder: broker !== 'aedes',
        options: FAST,
        kill: () => command('mqtt-stop', { broker }),
        killedBy: broker === 'aedes' ? 'listeners dropped' : 'SIGTERM',
        start: () => command('mqtt-start', { broker }),
        badAuth: async () => ({ url: mqtt[broker].guardedUrl, party: { user: mqtt.guardedUser.user, password: 'not-the-password', room } }),
      };
    }
    case 'prosody': {
      const { url, password } = await xmppEnv();
      const [ann, bob] = [await xmppUser('ann'), await xmppUser('bob')];
      return {
        transport,
        protocol: 'xmpp',
        url,
        ann: { user: ann, password, room: bob },
        bob: { user: bob, password, room: ann },
        serverOrder: false,
        senderOrder: true,
        options: FAST,
        kill: () => command('prosody-kill'),
        killedBy: 'SIGKILL',
        start: () => command('prosody-start'),
        badAuth: async () => ({ url, party: { user: ann, password: 'not-the-password', room: bob } }),
      };
    }
  }
}

export interface OpenOptions {
  /** Reach the server through this URL (a fault proxy's). */
  via?: string;
  /** The engine's name: tabs with one name share one engine. Default: a fresh one. */
  engine?: string;
  options?: Partial<EngineOptions>;
}

/** Opens a widget for `party`; resolves once it is connected and its room joined. */
export async function openSide(fx: Fixture, party: Party, o: OpenOptions = {}, wait = true): Promise<Tab> {
  const tab = await openTab({
    engine: o.engine ?? uniqueName('engine'),
    user: party.user,
    password: party.password,
    room: party.room,
    protocol: fx.protocol,
    server: o.via ?? fx.url,
    options: { ...fx.options, ...o.options },
  });
  if (wait) await waitFor(() => stateText(tab.chat) === 'Connected' && tab.chat.session.joined, 20_000, `${party.user} connected on ${fx.transport}`);
  return tab;
}

export interface FaultProxy {
  url: string;
  mode(mode: ProxyMode): Promise<void>;
  /** Connections made through it, open now, and the bytes the server sent through it. */
  stats(): Promise<{ accepted: number; open: number; bytesToClients: number }>;
  stop(): Promise<void>;
}

/** A TCP proxy in front of `url` (test/support/tcp-proxy.ts): refuse is a network that is down, blackhole a half-open link. */
export async function faultProxy(url: string): Promise<FaultProxy> {
  const { id, url: proxied } = await command<{ id: number; url: string }>('fault-proxy-start', { url });
  return {
    url: proxied,
    mode: (mode) => command('fault-proxy-mode', { id, mode }),
    stats: () => command('fault-proxy-stats', { id }),
    stop: () => command('fault-proxy-stop', { id }),
  };
}

export const numbered = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

/** Everything the tab's engine has stored for its conversation, in the server's order (by `order`). */
export async function stored(tab: Tab): Promise<ChatMessage[]> {
  const { client, conversation } = tab.chat.session;
  if (!client || !conversation) throw new Error('the widget has no conversation open');
  return (await client.api.history(conversation, undefined, 100_000)).messages.reverse();
}

/** The sender's outbox for the tab's connection (the engine's health figures). */
export async function outboxDepth(tab: Tab): Promise<number> {
  await tab.chat.session.refreshHealth();
  const health = tab.chat.session.health;
  if (!health) throw new Error('no health figures for the widget\'s connection');
  return health.outbox.depth;
}

const SENT_OR_BETTER = new Set(['sent', 'delivered', 'read']);

/** One direction of a conversation: what `from` accepted, and who should have it. */
export interface Flow {
  from: Tab;
  to: Tab;
  /** Texts the sending widget accepted (shown as queued); each is unique in the scenario. */
  texts: string[];
}

interface Tally {
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  problems: string[];
}

/** The three checks, over every flow, as they stand now. */
async function tally(flows: Flow[], serverOrder: boolean, senderOrder: boolean): Promise<Tally> {
  const t: Tally = { sent: 0, received: 0, lost: 0, duplicated: 0, problems: [] };
  for (const { from, to, texts } of flows) {
    const [mine, theirs] = [await stored(from), await stored(to)];
    const own = mine.filter((m) => m.mine && texts.includes(m.text));
    const got = theirs.filter((m) => !m.mine && texts.includes(m.text));
    const ids = new Set(got.map((m) => m.id));
    const textCount = new Map<string, number>();
    for (const m of got) textCount.set(m.text, (textCount.get(m.text) ?? 0) + 1);
    t.sent += texts.length;
    t.received += textCount.size;
    t.lost += texts.filter((x) => !textCount.has(x)).length;
    t.duplicated += got.length - ids.size + [...textCount.values()].reduce((n, c) => n + c - 1, 0);
    const unsent = own.filter((m) => !SENT_OR_BETTER.has(m.status ?? ''));
    if (own.length !== texts.length) t.problems.push(`${from.chat.user} stored ${own.length} of ${texts.length} own messages`);
    if (unsent.length) t.problems.push(`${unsent.length} of ${from.chat.user}'s messages not sent (${[...new Set(unsent.map((m) => m.status))]})`);
    const depth = await outboxDepth(from);
    if (depth) t.problems.push(`${from.chat.user}'s outbox holds ${depth}`);
    const order = (list: ChatMessage[]) => list.map((m) => m.id).join();
    if (senderOrder && order(got) !== order(own)) {
      const at = got.findIndex((m, i) => m.id !== own[i]?.id);
      const around = (list: ChatMessage[]) => list.slice(Math.max(0, at - 2), at + 4).map((m) => m.text.split(' ').pop()).join(',');
      t.problems.push(`${to.chat.user} has ${from.chat.user}'s messages in another order than the sender's (from #${at}: ${around(got)} against ${around(own)})`);
    }
    if (serverOrder && order(mine) !== order(theirs)) t.problems.push(`${from.chat.user} and ${to.chat.user} list the room in different orders`);
  }
  return t;
}

const clean = (t: Tally) => t.lost === 0 && t.duplicated === 0 && t.problems.length === 0;

export interface Outcome {
  scenario: string;
  fx: Fixture;
  flows: Flow[];
  /** When the fault ended (performance.now()); recovery is measured from here. */
  faultEnded: number;
  /** How long the checks may take to hold, ms. */
  timeout?: number;
  note?: string;
}

/**
 * Waits for the three checks to hold, records the scenario's row (whatever the outcome), and
 * throws with the details if they never held.
 */
export async function settle(o: Outcome): Promise<FaultRow> {
  const deadline = performance.now() + (o.timeout ?? 60_000);
  let t = await tally(o.flows, o.fx.serverOrder, o.fx.senderOrder);
  while (!clean(t) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    t = await tally(o.flows, o.fx.serverOrder, o.fx.senderOrder);
  }
  const ok = clean(t);
  const row: FaultRow = {
    scenario: o.scenario,
    transport: o.fx.transport,
    sent: t.sent,
    received: t.received,
    lost: t.lost,
    duplicated: t.duplicated,
    recoverMs: ok ? Math.round(performance.now() - o.faultEnded) : undefined,
    note: [o.note, o.fx.senderOrder ? '' : 'order not checked (aedes)', ok ? '' : `FAILED: ${t.problems.join('; ')}`].filter(Boolean).join('; '),
  };
  await record(row);
  if (!ok) throw new Error(`${o.scenario} on ${o.fx.transport}: lost ${t.lost}, duplicated ${t.duplicated}; ${t.problems.join('; ')}`);
  return row;
}

export const record = (row: FaultRow) => command('fault-row', { row });

/** Types each text into the widget, as a visitor does; `between(i)` runs before text i. */
export async function typeAll(tab: Tab, texts: string[], between?: (i: number) => Promise<void> | void): Promise<void> {
  for (const [i, text] of texts.entries()) {
    await between?.(i);
    await type(tab.chat, text);
  }
}
