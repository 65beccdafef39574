import { expect } from '@esm-bundle/chai';
import type { EngineEvent, LinkHealth } from '../../worker/api.ts';
import { Engine } from '../../worker/engine.ts';
import { loadTransport } from '../../worker/transports/load.ts';
import { waitFor } from '../support/wait.ts';
import { env, startProxy, uniqueName } from './tabs.ts';

/**
 * The engine's health figures, as a support person reads them: against the real relay through
 * a proxy that the test breaks, with the engine in the page and real timers.
 */
describe('engine health', () => {
  it('reports state, drops with reasons, heartbeat round trips, traffic and the outbox', async () => {
    const proxy = await startProxy();
    const engine = new Engine({ dbName: uniqueName('health'), load: loadTransport });
    const tabId = uniqueName('tab');
    await new Promise<void>((held) =>
      navigator.locks.request(`parley-tab:${tabId}`, () => (held(), new Promise<never>(() => undefined))),
    );
    const events: EngineEvent[] = [];
    engine.tabs.add(tabId, (e) => void events.push(e));
    // The heartbeat also bounds the handshake (chunk load, database, hello): 5 s leaves room for a
    // busy machine, where 1 s did not (a CI run timed out the first connect again and again).
    const options = { heartbeatInterval: 300, heartbeatTimeout: 5_000, backoffBase: 100, backoffCap: 300 };
    const { conversation } = await engine.open(tabId, { protocol: 'websocket', url: proxy.url, user: 'Hana', password: 'secret-token', options }, uniqueName('room'));
    await waitFor(() => events.some((e) => e.type === 'joined'), 20_000, 'joined');
    await engine.send(conversation, 'héllo');
    // The heartbeat pings after 300 ms of silence; the relay's pong is a round trip.
    const one = (await waitFor(async () => {
      const [h] = (await engine.health()).connections;
      // Out of the outbox once acked: the ack's write follows the send (worker/delivery.ts).
      return h && h.rtt.last !== undefined && h.messages.out === 1 && h.outbox.depth === 0 && h;
    }, 10_000, 'a round trip, a message out and acked')) as LinkHealth;
    expect(one.state).to.equal('open');
    expect(one.url).to.equal(proxy.url);
    expect(JSON.stringify(one)).not.to.include('secret-token');
    expect(one.rtt.last).to.be.within(0, 1_000);
    expect(one.rtt.median).to.be.a('number');
    expect(one.bytes.out).to.equal(6, 'héllo is 6 bytes of UTF-8');
    expect(one.changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).to.deep.equal(['idle>connecting:start', 'connecting>open:connected']);

    // The network goes down: the drop is counted, with its reason, and what is written waits.
    await proxy.mode('refuse');
    await waitFor(async () => (await engine.health()).connections[0]?.reconnects === 1, 10_000, 'the drop counted');
    await engine.send(conversation, 'while down');
    const down = (await engine.health()).connections[0]!;
    expect(down.state).to.be.oneOf(['reconnecting', 'connecting']);
    expect(down.changes.find((c) => c.to === 'reconnecting')?.reason).to.equal('closed-by-server');
    expect(down.outbox.depth).to.equal(1);
    expect(down.outbox.oldestAge).to.be.within(0, 5_000);
    // Tabs hear about it without asking, at most once a second.
    const pushed = await waitFor(() => events.find((e) => e.type === 'health' && e.health.outbox.depth === 1), 5_000, 'a health event');
    expect(pushed.type).to.equal('health');

    await proxy.mode('forward');
    await waitFor(async () => (await engine.health()).connections[0]?.outbox.depth === 0, 15_000, 'the outbox drained');
    const back = (await engine.health()).connections[0]!;
    expect(back.state).to.equal('open');
    expect(back.messages.out).to.equal(2);
    expect(back.inStateFor).to.be.within(0, 15_000);
    engine.offline();
  });
});
