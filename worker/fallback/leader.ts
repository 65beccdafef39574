import type { EngineListener } from '../api.ts';
import type { Engine } from '../engine.ts';
import { invoke } from '../engine-host.ts';
import { toWireError } from '../error-wire.ts';
import { batchEvents } from '../event-batch.ts';
import type { FallbackMessage } from './protocol.ts';

/**
 * The leader's side of the channel: runs the followers' calls on its engine and sends each
 * follower's tab its events. A follower's tab is known to the engine by its tab lock, as any
 * other (worker/tabs.ts), so a closed follower tab is noticed the same way.
 */
export function serveFollowers(engine: Engine, channel: BroadcastChannel, id: string): void {
  const post = (message: FallbackMessage) => channel.postMessage(message);
  channel.addEventListener('message', (event: MessageEvent<FallbackMessage>) => {
    const m = event.data;
    if (m.kind === 'who') return post({ kind: 'leader', leader: id });
    if (m.kind !== 'call' || m.leader !== id) return;
    const { from: to, call, tabId } = m;
    if (m.method === 'hello') {
      const listener: EngineListener = batchEvents((e) => post({ kind: 'event', tabId, event: e }));
      engine.tabs.add(tabId, listener);
      return post({ kind: 'reply', to, call, ok: true, value: undefined });
    }
    invoke(engine, tabId, m.method, m.args).then(
      (value) => post({ kind: 'reply', to, call, ok: true, value }),
      (e: unknown) => post({ kind: 'reply', to, call, ok: false, error: toWireError(e) }),
    );
  });
  post({ kind: 'leader', leader: id });
}
