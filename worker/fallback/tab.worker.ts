/// <reference lib="webworker" />
import { expose, releaseProxy, type Remote } from 'comlink';
import { connectionKey, conversationKey, type ChatMessage, type ConnectionConfig, type EngineApi, type EngineListener, type EngineHealth, type EngineStats, type HistoryPage, type SendOptions } from '../api.ts';
import type { Engine } from '../engine.ts';
import { CALL_METHODS, createEngine, invoke, type CallMethod } from '../engine-host.ts';
import { installErrorTransfer, RemoteError } from '../error-wire.ts';
import { batchEvents } from '../event-batch.ts';
import { serveFollowers } from './leader.ts';
import { channelName, leaderLock, type FallbackMessage } from './protocol.ts';

/**
 * Each tab's dedicated worker, where there is no SharedWorker (docs/embedding.md, "Without
 * SharedWorker"). The worker holding the Web Lock `parley-leader:<name>` runs the engine; the
 * others pass their tab's calls to it over BroadcastChannel. When the leader's tab closes its
 * worker dies, the lock passes to a waiting worker, which starts an engine on the same
 * IndexedDB (the outbox carries on); every follower then registers its tab again, reopens its
 * conversations and resends the calls left unanswered. The tab sees the same EngineApi.
 */
declare const self: DedicatedWorkerGlobalScope;

installErrorTransfer();
const name = self.name;
const me = crypto.randomUUID();
const channel = new BroadcastChannel(channelName(name));
let engine: Engine | undefined;
let leader: string | undefined;
let tab: { id: string; listener: EngineListener } | undefined;
/** What the tab has open, to open again on a new leader. */
const opens: { conversation: string; config: ConnectionConfig; room: string }[] = [];

interface Pending {
  method: CallMethod | 'hello';
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}
const pending = new Map<string, Pending>();

function call(method: Pending['method'], args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = crypto.randomUUID();
    const p: Pending = { method, args, resolve, reject };
    pending.set(id, p);
    dispatch(id, p);
  });
}

function dispatch(id: string, p: Pending): void {
  if (!tab) return;
  if (engine) {
    pending.delete(id);
    if (p.method === 'hello') return p.resolve(register(engine));
    return void invoke(engine, tab.id, p.method, p.args).then(p.resolve, p.reject);
  }
  if (!leader) return; // sent when a leader announces itself
  const message: FallbackMessage = { kind: 'call', leader, from: me, call: id, tabId: tab.id, method: p.method, args: p.args };
  channel.postMessage(message);
}

/** A send's arguments with its message's id picked here, once, so that a resend is the same message. */
function withId(method: 'send' | 'sendFiles', args: unknown[]): unknown[] {
  const at = method === 'send' ? 2 : 4;
  const options = (args[at] ?? {}) as SendOptions;
  const out = [...args];
  out[at] = { ...options, id: options.id ?? crypto.randomUUID() };
  return out;
}

/** The tab, and what it has open, on this worker's own engine. */
function register(local: Engine): void {
  if (!tab) return;
  const { listener } = tab;
  local.tabs.add(tab.id, batchEvents(listener), () => (listener as unknown as Remote<EngineListener>)[releaseProxy]());
  for (const o of opens) local.open(tab.id, o.config, o.room);
}

/**
 * A new leader knows nothing of this tab: tell it, then reopen what the tab had open, then
 * resend what is unanswered, in that order (a BroadcastChannel keeps one sender's order).
 */
function rejoin(): void {
  if (!tab) return;
  const unanswered = [...pending];
  for (const [id, p] of unanswered) if (p.method === 'hello' && pending.delete(id)) p.resolve(undefined);
  if (engine) register(engine);
  else {
    void call('hello', []);
    for (const o of opens) void call('open', [o.config, o.room]).catch(() => undefined);
  }
  // A send carries the id picked for its message (withId): the new leader returns what the old
  // one stored, and a frame the old one sent but did not store goes again under the same id,
  // which every receiver already has.
  for (const [id, p] of unanswered) if (p.method !== 'hello' && pending.has(id)) dispatch(id, p);
  void resync();
}

/** How many of each conversation's newest messages resync() reports. */
const RESYNC_PAGE = 100;

/**
 * The old leader may have stored a message (a send of ours it answered by dying, one that
 * arrived) or a new status (an ack) and died before telling this tab. Hand the tab the newest
 * messages as stored: it merges them by id, and ignores a status that would move a message
 * backwards (worker/message-status.ts), so what it already has is unchanged.
 */
async function resync(): Promise<void> {
  for (const o of [...opens]) {
    const page = (await call('history', [o.conversation, undefined, RESYNC_PAGE]).catch(() => undefined)) as HistoryPage | undefined;
    for (const message of [...(page?.messages ?? [])].reverse()) tab?.listener({ type: 'message', message });
  }
}

channel.addEventListener('message', (event: MessageEvent<FallbackMessage>) => {
  const m = event.data;
  if (m.kind === 'leader' && !engine && m.leader !== leader) {
    leader = m.leader;
    return rejoin();
  }
  if (m.kind === 'event' && tab && m.tabId === tab.id) return tab.listener(m.event);
  if (m.kind !== 'reply' || m.to !== me) return;
  const p = pending.get(m.call);
  if (!p) return;
  pending.delete(m.call);
  if (m.ok) p.resolve(m.value);
  else p.reject(new RemoteError(m.error.code, m.error.message));
});
channel.postMessage({ kind: 'who' } satisfies FallbackMessage);

void navigator.locks.request(leaderLock(name), () => {
  engine = createEngine(name);
  leader = me;
  serveFollowers(engine, channel, me);
  rejoin();
  // Held until this worker dies with its tab.
  return new Promise<never>(() => undefined);
});

const api = Object.fromEntries(CALL_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as EngineApi;
api.hello = async (tabId, listener) => {
  tab = { id: tabId, listener };
  await call('hello', []);
};
api.open = async (config, room) => {
  const result = (await call('open', [config, room])) as Awaited<ReturnType<EngineApi['open']>>;
  opens.push({ conversation: conversationKey(connectionKey(config), room), config, room });
  return result;
};
api.leave = async (conversation) => {
  const i = opens.findIndex((o) => o.conversation === conversation);
  if (i >= 0) opens.splice(i, 1);
  await call('leave', [conversation]);
};
api.send = (...args) => call('send', withId('send', args)) as Promise<ChatMessage>;
api.sendFiles = (...args) => call('sendFiles', withId('sendFiles', args)) as Promise<ChatMessage>;
api.stats = async (): Promise<EngineStats> => ({ ...((await call('stats', [])) as EngineStats), mode: engine ? 'leader' : 'follower' });
api.health = async (): Promise<EngineHealth> => ({ ...((await call('health', [])) as EngineHealth), mode: engine ? 'leader' : 'follower' });
expose(api, self);
