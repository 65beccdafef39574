import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig, StateChange } from '../../worker/api.ts';
import { engineInPage } from './engine-in-page.ts';
import { env, eventually, startProxy, uniqueName, waitFor } from './tabs.ts';

/**
 * The engine's timing rules, with injected timers, against the real relay through a real TCP
 * proxy. The engine runs in the page here (same code as in the SharedWorker) so that the test
 * owns its clock.
 */
describe('connection engine timing (injected timers, real relay)', () => {
  it('backs off within the jittered bounds, respects the cap, and resets only after a stable link', async () => {
    const proxy = await startProxy();
    await proxy.mode('refuse');
    const { timers, states, waitState, open, clockAt } = await engineInPage();
    const base = 500;
    const cap = 4_000;
    open({ protocol: 'websocket', url: proxy.url, user: 'Bo', options: { backoffBase: base, backoffCap: cap, stableAfter: 10_000 } });

    for (let attempt = 1; attempt <= 8; attempt++) {
      const waiting = await waitState('reconnecting');
      expect(waiting.attempt).to.equal(attempt);
      const delay = waiting.nextRetryAt! - clockAt(waiting);
      const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
      expect(delay, `attempt ${attempt}`).to.be.within(0, ceiling - 1);
      // Timers run inside advance(): a retry due earlier than announced would be reported by now.
      const from = states.length;
      const early = Math.max(0, waiting.nextRetryAt! - timers.now() - 1);
      timers.advance(early);
      if (waiting.nextRetryAt! > timers.now()) expect(states.slice(from), `attempt ${attempt} before its time`).to.deep.equal([]);
      timers.advance(waiting.nextRetryAt! - timers.now());
      const connecting = await waitState('connecting', from);
      expect(clockAt(connecting), `attempt ${attempt} starts at nextRetryAt`).to.equal(waiting.nextRetryAt);
    }

    // The relay is reachable again: the pending attempt opens, and the count is not yet reset.
    const ninth = await waitState('reconnecting');
    await proxy.mode('forward');
    let mark = states.length;
    timers.advance(ninth.nextRetryAt! - timers.now());
    expect((await waitState('open', mark)).attempt).to.equal(9);

    // A link that drops before `stableAfter` keeps climbing…
    timers.advance(9_000);
    mark = states.length;
    await proxy.mode('refuse');
    expect((await waitState('reconnecting', mark)).attempt).to.equal(10);

    // …and one that stayed up for `stableAfter` starts again from the base.
    await proxy.mode('forward');
    mark = states.length;
    timers.advance(cap);
    await waitState('open', mark);
    timers.advance(10_000);
    mark = states.length;
    await proxy.mode('refuse');
    const fresh = await waitState('reconnecting', mark);
    expect(fresh.attempt).to.equal(1);
    expect(fresh.nextRetryAt! - timers.now()).to.be.below(base);
  });

  it('gives up after maxAttempts with state failed, and "Retry now" starts again', async () => {
    const proxy = await startProxy();
    await proxy.mode('refuse');
    const { timers, states, waitState, open, engine } = await engineInPage();
    const { conversation } = await open({ protocol: 'websocket', url: proxy.url, user: 'Max', options: { maxAttempts: 3 } });
    let failed: StateChange | undefined;
    while (!failed) {
      await waitFor(() => ['reconnecting', 'failed'].includes(states[states.length - 1]!.to), 10_000, 'a failure');
      const now = states[states.length - 1]!;
      if (now.to === 'failed') failed = now;
      else timers.advance(now.nextRetryAt! - timers.now());
    }
    expect(failed.reason).to.equal('max-attempts');
    expect(failed.error?.message).to.match(/Gave up after 3 attempts/);
    expect(states.filter((s) => s.to === 'connecting'), 'the first try and 3 retries').to.have.length(4);
    // A retry is a timer; advance() runs every timer due, and a retry reports `connecting` at once.
    const after = states.length;
    timers.advance(10 * 60_000);
    expect(states.slice(after), 'no attempt after failed').to.deep.equal([]);

    await proxy.mode('forward');
    const mark = states.length;
    engine.reconnectNow(conversation);
    await waitState('open', mark);
  });

  it('goes to failed with the server reason on a refusal, with no retry loop', async () => {
    const { guardedRelayUrl } = await env();
    const { timers, states, waitState, open } = await engineInPage();
    open({ protocol: 'websocket', url: guardedRelayUrl, user: 'Intruder', password: 'wrong' });
    const failed = await waitState('failed');
    expect(failed.reason).to.equal('auth');
    expect(failed.error?.message).to.match(/token is wrong/);
    const after = states.length;
    timers.advance(10 * 60_000);
    expect(states.slice(after), 'no retry after a refusal').to.deep.equal([]);
    expect(states.filter((s) => s.to === 'connecting')).to.have.length(1);

    // The visitor fixes the token: the same connection tries again with it at once.
    const { guardedToken } = await env();
    const mark = states.length;
    open({ protocol: 'websocket', url: guardedRelayUrl, user: 'Intruder', password: guardedToken });
    await waitState('open', mark);
  });

  it('makes no attempt while the browser is offline, and tries at once when it comes back', async () => {
    const proxy = await startProxy();
    let online = false;
    const { engine, timers, states, waitState, open, last } = await engineInPage(() => online);
    const { conversation } = await open({ protocol: 'websocket', url: proxy.url, user: 'Ola' });
    expect(last()!.to).to.equal('offline');
    const queued = await engine.send(conversation, 'written offline');
    expect(queued.status).to.equal('queued');
    const after = states.length;
    timers.advance(10 * 60_000);
    expect(states.slice(after), 'no attempt while offline').to.deep.equal([]);
    expect(await proxy.accepted(), 'connections while offline').to.equal(0);

    online = true;
    engine.wake('network-online');
    await waitState('open');
    await eventually(async () => (await engine.history.get(conversation, queued.id))?.status === 'sent', 5_000, 'the queued message sent');
  });

  it('notices a half-open link within interval + timeout and reconnects', async () => {
    const proxy = await startProxy();
    const { timers, states, waitState, open, clockAt, waitJoined } = await engineInPage();
    const { conversation } = await open({ protocol: 'websocket', url: proxy.url, user: 'Hal', options: { heartbeatInterval: 15_000, heartbeatTimeout: 5_000 } });
    await waitState('open');
    // The relay's `joined` is the last frame it sends unasked: after it the link is quiet.
    await waitJoined(conversation);
    await proxy.mode('blackhole');
    const mark = states.length;
    const start = timers.now();
    timers.advance(19_999);
    expect(states.slice(mark), 'still open just before interval + timeout').to.deep.equal([]);
    timers.advance(10_000);
    const lost = await waitState('reconnecting', mark);
    expect(lost.reason).to.equal('heartbeat-timeout');
    expect(clockAt(lost) - start, 'noticed at interval + timeout').to.equal(20_000);

    await proxy.mode('forward');
    const again = states.length;
    timers.advance(lost.nextRetryAt! - timers.now());
    await waitState('open', again);
  });

  it('keeps a queued message for a room no tab has opened yet, and sends it when one does', async () => {
    const proxy = await startProxy();
    const dbName = uniqueName('db');
    const config: ConnectionConfig = { protocol: 'websocket', url: proxy.url, user: 'Quinn' };
    const [lobby, support] = [uniqueName('lobby'), uniqueName('support')];
    const before = await engineInPage(() => true, dbName);
    before.open(config, lobby);
    const { conversation } = await before.open(config, support);
    await before.waitState('open');
    const mark = before.states.length;
    await proxy.mode('refuse');
    await before.waitState('reconnecting', mark);
    const waiting = await before.engine.send(conversation, 'for support');
    before.engine.offline();

    // The worker restarts (same database); the first tab shows only the lobby.
    await proxy.mode('forward');
    const after = await engineInPage(() => true, dbName);
    const { conversation: inLobby } = await after.open(config, lobby);
    await after.waitJoined(inLobby);
    // The outbox drains in order: once a later message for the lobby is sent, the drain has
    // passed the one for support, and left it queued.
    const later = await after.engine.send(inLobby, 'in the lobby');
    await eventually(async () => (await after.engine.history.get(inLobby, later.id))?.status === 'sent', 5_000, 'the lobby message sent');
    expect((await after.engine.history.get(conversation, waiting.id))?.status).to.equal('queued');
    after.open(config, support);
    await eventually(async () => (await after.engine.history.get(conversation, waiting.id))?.status === 'sent', 5_000, 'sent once its room is open');
  });

  it('probes at once when a tab becomes visible, instead of waiting out the interval', async () => {
    const proxy = await startProxy();
    const { engine, timers, states, waitState, open, clockAt, waitJoined } = await engineInPage();
    const { conversation } = await open({ protocol: 'websocket', url: proxy.url, user: 'Vi', options: { heartbeatInterval: 15_000, heartbeatTimeout: 5_000 } });
    await waitState('open');
    await waitJoined(conversation);
    await proxy.mode('blackhole');
    const mark = states.length;
    const start = timers.now();
    timers.advance(1_000);
    engine.wake('tab-visible');
    // Past interval + timeout: the clock stamp, not how far the test moved it, says when it was caught.
    timers.advance(30_000);
    const lost = await waitState('reconnecting', mark);
    expect(lost.reason).to.equal('heartbeat-timeout');
    expect(clockAt(lost) - start, 'caught one probe timeout after the tab woke, not at interval + timeout').to.equal(6_000);
  });
});
