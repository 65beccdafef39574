import { expect } from '@esm-bundle/chai';
import { setViewport } from '@web/test-runner-commands';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, reloadTab, statuses, texts, uniqueName, waitFor, type Tab } from './tabs.ts';

/**
 * Issue 9: two visitors (two engines) who write in the same millisecond see one order, the
 * relay's (worker/order.ts), in both browsers and after a reload; never each their own first.
 */
const BURST = 20;

describe('one order for a burst from two engines', () => {
  before(() => setViewport({ width: 1300, height: 1000 }));
  after(() => setViewport({ width: 800, height: 600 }));
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  it('shows messages sent in the same millisecond in the same order in both browsers, and after a reload', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    let ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    let bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    tabs.push(ann, bob);
    await waitFor(() => ann.chat.session.joined && bob.chat.session.joined, 15_000, 'both joined');

    // One synchronous loop: both engines queue their whole burst in the same few milliseconds.
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= BURST; i++) sends.push(ann.chat.send(`ann ${i}`), bob.chat.send(`bob ${i}`));
    await Promise.all(sends);
    // Confirmed: sent, or read already by the other, who has the burst on screen.
    const done = (chat: ParleyChat) => chat.messages.length === 2 * BURST && statuses(chat).every((s) => s === 'sent' || s === 'read');
    await waitFor(() => done(ann.chat) && done(bob.chat), 20_000, 'the whole burst confirmed in both');

    // The relay stamped many of them in one millisecond: its time cannot be what orders them.
    const times = ann.chat.messages.map((m) => m.ts);
    expect(new Set(times).size, 'messages that share a millisecond').to.be.below(times.length);
    const order = texts(ann.chat);
    expect(texts(bob.chat)).to.deep.equal(order);
    // Each sender's own messages keep the order they were written in.
    for (const who of ['ann', 'bob']) expect(order.filter((t) => t.startsWith(who))).to.deep.equal(Array.from({ length: BURST }, (_, i) => `${who} ${i + 1}`));

    ann = await reloadTab(ann);
    bob = await reloadTab(bob);
    tabs.push(ann, bob);
    await waitFor(() => ann.chat.messages.length === 2 * BURST && bob.chat.messages.length === 2 * BURST, 10_000, 'history after reloads');
    expect(texts(ann.chat)).to.deep.equal(order);
    expect(texts(bob.chat)).to.deep.equal(order);
  });
});
