import { expect } from '@esm-bundle/chai';
import { engineClient } from '../../widget/engine-client.ts';
import {
  connected,
  env,
  FAST,
  openTab,
  reloadTab,
  settled,
  startProxy,
  statuses,
  texts,
  type,
  uniqueName,
  waitFor,
} from './tabs.ts';

/**
 * The engine in its SharedWorker, real timers, the real relay: what a visitor lives through.
 * A relay outage, both sides sending while one is offline and a half-open link are scenarios of
 * the fault matrix (fault-matrix.test.ts), on every transport.
 */
const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('connection engine, end to end', () => {
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

  it('forgets closed tabs: 50 iframes come and go, the tab count returns to the live ones', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('lifecycle');
    const client = await engineClient(engine);
    const keep = await openTab({ engine, user: 'Kim', server: relayUrl });
    // Five at a time: tabs come and go together, as on a busy site, and each iframe loads the
    // widget's whole module graph (most of a second in Firefox, one after another).
    for (let i = 0; i < 50; i += 5) await Promise.all(Array.from({ length: 5 }, async () => (await openTab({ engine, user: 'Kim', server: relayUrl })).close()));
    // This page holds the engine too (engineClient above): live tabs = this page + `keep`.
    // Closed iframes drop out as their tab locks are released; the count must settle at the live ones.
    const tabs = await settled(async () => (await client.api.stats()).tabs, 1_000, 10_000, 'the tab count');
    expect(tabs).to.equal(2);
    expect((await client.api.stats()).connections).to.equal(1);
    keep.close();
  });
});
