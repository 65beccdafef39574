import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { StateChange } from '../../worker/api.ts';
import { engineClient } from '../../widget/engine-client.ts';
import {
  connected,
  env,
  FAST,
  openTab,
  reloadTab,
  settled,
  sleep,
  startProxy,
  stateText,
  statuses,
  texts,
  type,
  uniqueName,
  waitFor,
} from './tabs.ts';

/** The engine in its SharedWorker, real timers, the real relay: what a visitor lives through. */
const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('connection engine, end to end', () => {
  it('survives the relay going away for 20 s: 100 messages sent meanwhile arrive once, in order', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('outage');
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room, options: FAST });
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, options: FAST });
    await connected(ann.chat);
    await connected(bob.chat);
    const walk: string[] = [];
    ann.chat.addEventListener('parley-state', (e) => walk.push((e as CustomEvent<{ change: StateChange }>).detail.change.to));

    await executeServerCommand('relay-stop');
    const expected = numbered('during outage', 100);
    try {
      await waitFor(() => stateText(ann.chat).startsWith('Reconnecting'), 10_000, 'Reconnecting…');
      for (const text of expected) await type(ann.chat, text);
      expect(statuses(ann.chat).every((s) => s === 'queued' || s === 'sending')).to.equal(true);
      await sleep(20_000);
    } finally {
      await executeServerCommand('relay-start');
    }
    await waitFor(() => texts(bob.chat).length === 100, 20_000, '100 messages at Bob').catch((e) => {
      throw new Error(`${e.message}: Bob has ${texts(bob.chat).length} (${stateText(bob.chat)}), Ann's statuses ${[...new Set(statuses(ann.chat))]} (${stateText(ann.chat)})`);
    });
    expect(texts(bob.chat)).to.deep.equal(expected);
    await waitFor(() => statuses(ann.chat).every((s) => s === 'sent'), 10_000, 'all acked');
    expect(texts(ann.chat)).to.deep.equal(expected);
    expect(walk).to.include('reconnecting');
    expect(walk.indexOf('open', walk.indexOf('reconnecting'))).to.be.greaterThan(-1);
    ann.close();
    bob.close();
  });

  it('loses nothing and shows nothing twice when the tab reloads during a burst', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('burst');
    const proxy = await startProxy();
    let ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: proxy.url, room, options: FAST });
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, options: FAST });
    await connected(ann.chat);
    await connected(bob.chat);
    // 40 fits the first history page (50), so the reloaded tab shows them all.
    const expected = numbered('burst', 40);
    for (const text of expected.slice(0, 20)) await type(ann.chat, text);
    // Mid-burst the link goes silent: some messages reach the relay but their acks are lost,
    // the rest never leave. Then the visitor reloads.
    await proxy.mode('blackhole');
    for (const text of expected.slice(20)) await type(ann.chat, text);
    ann = await reloadTab(ann);
    // The reloaded widget has its room open again once it shows what it had stored.
    await waitFor(() => texts(ann.chat).length === 40, 10_000, 'the reloaded tab to show its 40 messages');
    await proxy.mode('forward');
    await waitFor(() => statuses(ann.chat).length === 40 && statuses(ann.chat).every((s) => s === 'sent'), 20_000, 'all sent after reload');
    // The relay writes to Bob in the order it stores: a copy shown twice would come before this.
    await type(ann.chat, 'after the burst');
    await waitFor(() => texts(bob.chat).includes('after the burst'), 10_000, 'the last message at Bob');
    expect(texts(bob.chat)).to.deep.equal([...expected, 'after the burst']);
    expect(texts(ann.chat)).to.deep.equal([...expected, 'after the burst']);
    ann.close();
    bob.close();
  });

  it('sends what was written offline on reconnect, and syncs what others said meanwhile', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('offline');
    const proxy = await startProxy();
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: proxy.url, room, options: FAST });
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, options: FAST });
    await connected(ann.chat);
    await connected(bob.chat);
    await type(bob.chat, 'before');
    await waitFor(() => texts(ann.chat).includes('before'));

    await proxy.mode('refuse');
    await waitFor(() => stateText(ann.chat) !== 'Connected', 10_000, 'Ann loses the link');
    await type(ann.chat, 'written offline');
    await type(bob.chat, 'while Ann was away 1');
    await type(bob.chat, 'while Ann was away 2');
    // Once the relay has acked Bob's messages it has sent them to every joined socket; Ann has none.
    await waitFor(() => statuses(bob.chat).join() === 'sent,sent,sent', 5_000, 'Bob\'s messages acked');
    expect(texts(ann.chat)).to.deep.equal(['before', 'written offline']);
    expect(statuses(ann.chat)).to.deep.equal(['queued']);

    await proxy.mode('forward');
    await waitFor(() => statuses(ann.chat).join() === 'sent', 15_000, 'the offline message sent');
    await waitFor(() => texts(bob.chat).includes('written offline'), 5_000, 'Bob gets it');
    await waitFor(() => texts(ann.chat).length === 4, 15_000, 'the sync');
    // One order for everyone: the relay's (worker/order.ts). Ann wrote hers before Bob's two,
    // but the relay had them first, and both tabs say so.
    const relayOrder = ['before', 'while Ann was away 1', 'while Ann was away 2', 'written offline'];
    expect(texts(ann.chat), 'at Ann').to.deep.equal(relayOrder);
    expect(texts(bob.chat), 'at Bob').to.deep.equal(relayOrder);
    ann.close();
    bob.close();
  });

  it('notices a half-open link within interval + timeout and reconnects through the proxy', async () => {
    const proxy = await startProxy();
    const options = { heartbeatInterval: 1_000, heartbeatTimeout: 1_000, backoffBase: 100, backoffCap: 500 };
    const tab = await openTab({ engine: uniqueName('half'), user: 'Hal', server: proxy.url, options });
    await connected(tab.chat);
    // The relay's `joined` is the last frame it sends unasked: after it the link is quiet.
    await waitFor(() => tab.chat.session.joined, 10_000, 'the room joined');
    await proxy.mode('blackhole');
    const cut = performance.now();
    await waitFor(() => stateText(tab.chat) !== 'Connected', 10_000, 'the dead link noticed');
    const noticed = performance.now() - cut;
    expect(noticed, 'ms to notice').to.be.below(1_000 + 1_000 + 1_000);
    await proxy.mode('forward');
    await connected(tab.chat);
    expect(await proxy.accepted()).to.be.at.least(2);
    tab.close();
  });

  it('forgets closed tabs: 50 iframes come and go, the tab count returns to the live ones', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('lifecycle');
    const client = await engineClient(engine);
    const keep = await openTab({ engine, user: 'Kim', server: relayUrl });
    for (let i = 0; i < 50; i++) (await openTab({ engine, user: 'Kim', server: relayUrl })).close();
    // This page holds the engine too (engineClient above): live tabs = this page + `keep`.
    // Closed iframes drop out as their tab locks are released; the count must settle at the live ones.
    const tabs = await settled(async () => (await client.api.stats()).tabs, 1_000, 10_000, 'the tab count');
    expect(tabs).to.equal(2);
    expect((await client.api.stats()).connections).to.equal(1);
    keep.close();
  });
});
