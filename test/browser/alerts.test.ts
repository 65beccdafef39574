import { expect } from '@esm-bundle/chai';
import { setViewport } from '@web/test-runner-commands';
import { env, openTab, settled, texts, type, uniqueName, waitFor, type Tab } from './tabs.ts';

/**
 * Issue 9's alerts: the engine picks one tab of the browser for each new message from someone
 * else (worker/alerts.ts), a visible one if any, and none while the visitor reads the
 * conversation. The widget fires `parley-alert` there, and beeps or notifies when asked to.
 */
interface Watched extends Tab {
  alerts: string[];
}

async function watched(tab: Promise<Tab>): Promise<Watched> {
  const t = (await tab) as Watched;
  t.alerts = [];
  t.chat.addEventListener('parley-alert', (e) => t.alerts.push(e.detail.message.text));
  return t;
}

/** The tab's page turns hidden or visible, as when the visitor switches tabs. */
function setVisible(tab: Tab, visible: boolean): void {
  const doc = tab.frame.contentDocument!;
  Object.defineProperty(doc, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
  doc.dispatchEvent(new Event('visibilitychange'));
}

describe('alerts', () => {
  before(() => setViewport({ width: 1300, height: 1000 }));
  after(() => setViewport({ width: 800, height: 600 }));
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  it('alerts in exactly one tab of the browser: a visible one, else the one visible last', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const engine = uniqueName('bob');
    const attrs = { mode: 'launcher', sound: '' };
    const one = await watched(openTab({ engine, user: 'Bob', server: relayUrl, room, attrs }));
    const two = await watched(openTab({ engine, user: 'Bob', server: relayUrl, room, attrs }));
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(one, two, ann);
    await waitFor(() => one.chat.session.joined && two.chat.session.joined && ann.chat.session.joined, 15_000, 'all joined');
    const both = () => [...one.alerts, ...two.alerts];
    const arrived = (text: string) => waitFor(() => texts(one.chat).includes(text) && texts(two.chat).includes(text), 10_000, `"${text}" in both of Bob's tabs`);

    await type(ann.chat, 'first');
    await arrived('first');
    expect(await settled(() => both().join(), 500, 5_000, 'alerts')).to.equal('first');

    setVisible(one, false);
    await type(ann.chat, 'second');
    await arrived('second');
    await settled(() => both().length, 500, 5_000, 'alerts');
    expect(two.alerts, 'the visible tab').to.include('second');
    expect(one.alerts).not.to.include('second');

    setVisible(two, false);
    await type(ann.chat, 'third');
    await arrived('third');
    await settled(() => both().length, 500, 5_000, 'alerts');
    expect(two.alerts, 'hidden last, so visible most recently').to.include('third');
    expect(one.alerts).not.to.include('third');
    expect(both().sort()).to.deep.equal(['first', 'second', 'third'], 'one alert per message');
    // Own messages never alert.
    expect(ann.chat.messages.filter((m) => m.mine)).to.have.length(3);
  });

  it('does not alert while the visitor reads the conversation in a visible tab', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const engine = uniqueName('bob');
    const reading = await watched(openTab({ engine, user: 'Bob', server: relayUrl, room, attrs: { sound: '' } }));
    const closed = await watched(openTab({ engine, user: 'Bob', server: relayUrl, room, attrs: { mode: 'launcher', sound: '' } }));
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(reading, closed, ann);
    await waitFor(() => reading.chat.session.joined && closed.chat.session.joined && ann.chat.session.joined, 15_000, 'all joined');

    await type(ann.chat, 'while Bob reads');
    await waitFor(() => texts(reading.chat).includes('while Bob reads') && texts(closed.chat).includes('while Bob reads'), 10_000, 'at Bob');
    expect(await settled(() => reading.alerts.length + closed.alerts.length, 500, 5_000, 'alerts')).to.equal(0);

    // Bob switches away from the tab he was reading in: the next message alerts, once.
    setVisible(reading, false);
    await type(ann.chat, 'while Bob is away');
    await waitFor(() => texts(closed.chat).includes('while Bob is away'), 10_000, 'at Bob');
    await settled(() => reading.alerts.length + closed.alerts.length, 500, 5_000, 'alerts');
    expect([...reading.alerts, ...closed.alerts]).to.deep.equal(['while Bob is away']);
    expect(closed.alerts, 'the tab still visible').to.deep.equal(['while Bob is away']);
  });

  it('alerts once for a burst, for its last message, not once per message', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const bob = await watched(openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, attrs: { mode: 'launcher', sound: '' } }));
    tabs.push(bob);
    await waitFor(() => bob.chat.session.joined, 15_000, 'Bob joined');
    setVisible(bob, false);
    // Ann is a bare client of the relay: her 200 messages go out in one write, as a busy room's would.
    const ann = new WebSocket(relayUrl);
    await new Promise((open) => (ann.onopen = open));
    const joined = new Promise<void>((done) => (ann.onmessage = (e) => JSON.parse(e.data as string).type === 'joined' && done()));
    ann.send(JSON.stringify({ type: 'hello', v: 1, user: 'Ann' }));
    ann.send(JSON.stringify({ type: 'join', room }));
    await joined;
    const burst = Array.from({ length: 200 }, (_, i) => `burst ${i}`);
    for (const text of burst) ann.send(JSON.stringify({ type: 'msg', id: crypto.randomUUID(), room, text, ts: Date.now() }));
    await waitFor(() => bob.chat.messages.length === burst.length, 10_000, 'the burst at Bob');
    await settled(() => bob.alerts.length, 500, 5_000, 'alerts');
    ann.close();
    // The engine stores a burst in batches (what arrives during a write goes into the next one),
    // and each batch alerts once: a handful in Chromium, a few dozen in Firefox, which hands the
    // frames over in smaller runs. One per message would be 200.
    expect(bob.alerts.length, `${bob.alerts.length} alerts`).to.be.within(1, burst.length / 2);
    expect(bob.alerts.at(-1)).to.equal('burst 199');
  });
});
