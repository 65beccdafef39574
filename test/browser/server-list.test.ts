import { expect } from '@esm-bundle/chai';
import { connectionKey, type ConnectionConfig } from '../../worker/api.ts';
import { engineInPage } from './engine-in-page.ts';
import { connected, eventually, openTab, startProxy, statuses, type, uniqueName } from './tabs.ts';

/**
 * A server list (worker/server-list.ts): several URLs of one cluster. Each "node" here is a TCP
 * proxy in front of the one relay, so the test can take a node down while the messages still
 * meet in one place. Injected timers show which switches wait and which do not: the backoff base
 * is a minute, so a wait the engine should not make would stall the test.
 */
describe('server list and failover (real relay behind two proxies)', () => {
  const slow = { backoffBase: 60_000, backoffCap: 60_000 };

  it('moves to the next URL at once when the first is down, and names the URL in use', async () => {
    const [first, second] = [await startProxy(), await startProxy()];
    await first.mode('refuse');
    const { engine, timers, states, waitState, open } = await engineInPage();
    const config: ConnectionConfig = { protocol: 'websocket', url: first.url, urls: [first.url, second.url], user: 'Flo', options: slow };
    const start = timers.now();
    const { conversation } = await open(config);
    const opened = await waitState('open');

    expect(timers.now(), 'no backoff wait before the switch').to.equal(start);
    expect(states.map((s) => [s.to, s.reason, s.url])).to.deep.equal([
      ['connecting', 'start', first.url],
      ['reconnecting', states[1]!.reason, second.url],
      ['connecting', 'failover', second.url],
      ['open', 'connected', second.url],
    ]);
    expect(opened.url).to.equal(second.url);
    const key = connectionKey(config);
    expect(engine.stats().urls[key]).to.equal(second.url);
    const [health] = (await engine.health()).connections;
    expect(health).to.include({ connection: key, url: second.url });
    expect(health!.urls).to.deep.equal([first.url, second.url]);

    const sent = await engine.send(conversation, 'through the second node');
    await eventually(async () => (await engine.history.get(conversation, sent.id))?.status === 'sent', 5_000, 'sent');
  });

  it('waits out the backoff only after every URL failed, then starts again from the first', async () => {
    const [first, second] = [await startProxy(), await startProxy()];
    await first.mode('refuse');
    await second.mode('refuse');
    const { timers, states, waitState, open, clockAt } = await engineInPage();
    open({ protocol: 'websocket', url: first.url, urls: [first.url, second.url], user: 'Rhea', options: { backoffBase: 2_000, backoffCap: 2_000 } });

    await eventually(() => states.some((s) => s.to === 'reconnecting' && s.nextRetryAt! > clockAt(s)), 10_000, 'a wait');
    const wait = states.find((s) => s.to === 'reconnecting' && s.nextRetryAt! > clockAt(s))!;
    expect(states.filter((s) => s.to === 'connecting').map((s) => s.url), 'one round before the wait').to.deep.equal([first.url, second.url]);
    expect(wait.url, 'the next round starts with the first URL').to.equal(first.url);
    expect(wait.attempt).to.equal(1);
    expect(wait.nextRetryAt! - clockAt(wait)).to.be.within(1, 1_999);

    await second.mode('forward');
    const mark = states.length;
    timers.advance(wait.nextRetryAt! - timers.now());
    const opened = await waitState('open', mark);
    expect(opened.url).to.equal(second.url);
    expect(states.slice(mark).filter((s) => s.to === 'connecting').map((s) => s.url)).to.deep.equal([first.url, second.url]);
  });

  it('keeps a working fall-back link, goes back to the first URL only after a later drop, and loses nothing', async () => {
    const [first, second] = [await startProxy(), await startProxy()];
    await first.mode('refuse');
    const room = uniqueName('room');
    const sender = await engineInPage();
    const { conversation } = await sender.open({ protocol: 'websocket', url: first.url, urls: [first.url, second.url], user: 'Kai', options: slow }, room);
    await sender.waitState('open');
    const reader = await engineInPage();
    const { conversation: read } = await reader.open({ protocol: 'websocket', url: second.url, user: 'Lee' }, room);
    await reader.waitJoined(read);

    // The first node is back, and the link on the second works: the engine stays where it is,
    // past the time that proves a link stable (stableAfter, 10 s by default).
    await first.mode('forward');
    const mark = sender.states.length;
    const before = await sender.engine.send(conversation, 'before the drop');
    sender.timers.advance(14_000);
    await eventually(async () => (await sender.engine.history.get(conversation, before.id))?.status === 'sent', 5_000, 'sent before the drop');
    expect(sender.states.slice(mark), 'no switch away from a working link').to.deep.equal([]);

    // The second node goes down: the engine returns to the first at once, and what was written
    // meanwhile goes through it, once.
    await second.mode('refuse');
    const during = await Promise.all(['during 1', 'during 2', 'during 3'].map((text) => sender.engine.send(conversation, text)));
    const opened = await sender.waitState('open', mark);
    expect(opened.url).to.equal(first.url);
    const ids = [before, ...during].map((m) => m.id);
    await eventually(async () => (await Promise.all(ids.map((id) => sender.engine.history.get(conversation, id)))).every((m) => m?.status === 'sent'), 10_000, 'all sent');
    expect((await sender.engine.health()).connections[0]!.outbox.depth, 'outbox empty').to.equal(0);

    // The reader's link went through the second node too; it comes back by the first.
    await second.mode('forward');
    reader.timers.advance(60_000);
    await eventually(async () => {
      const texts = (await reader.engine.history.page(read)).messages.map((m) => m.text);
      return ['before the drop', 'during 1', 'during 2', 'during 3'].every((t) => texts.filter((x) => x === t).length === 1);
    }, 10_000, 'each message once at the reader');
  });

  it('takes a space-separated list in the element\'s server attribute', async () => {
    const [first, second] = [await startProxy(), await startProxy()];
    await first.mode('refuse');
    const tab = await openTab({ engine: uniqueName('engine'), user: 'Ada', server: `${first.url} ${second.url}`, options: slow });
    await connected(tab.chat);
    await type(tab.chat, 'hello from a cluster');
    await eventually(() => statuses(tab.chat).join() === 'sent', 5_000, 'sent');
    expect(await second.accepted()).to.be.at.least(1);
    tab.close();
  });
});
