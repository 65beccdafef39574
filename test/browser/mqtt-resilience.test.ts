import { expect } from '@esm-bundle/chai';
import { openTab, settled, sleep, stateText, texts, type, uniqueName, waitFor, type Tab } from './tabs.ts';
import {
  BROKERS,
  brokerClients,
  brokerProxy,
  brokerUrl,
  FAST,
  mosquittoPub,
  mqttEnv,
  mqttTab,
  roomTopic,
} from './mqtt-env.ts';

// A broker killed during a burst and a silent (half-open) link are scenarios of the fault
// matrix (fault-matrix.test.ts), on every transport.

for (const broker of BROKERS) {
  describe(`MQTT resilience, ${broker}`, () => {
    it('fails once on a wrong password, with the reason, and does not retry', async function () {
      this.timeout(60_000);
      const { guardedUser } = await mqttEnv();
      const proxy = await brokerProxy(broker, true);
      const tabs: Tab[] = [];
      try {
        const room = uniqueName('room');
        const wrong = await openTab({ ...guardedUser, password: 'not-the-password', engine: uniqueName('wrong'), room, protocol: 'mqtt', server: proxy.url, options: FAST });
        tabs.push(wrong);
        await waitFor(() => stateText(wrong.chat).startsWith("Can't connect"), 15_000, 'the failed state');
        expect(stateText(wrong.chat)).to.match(/refused the user name or password|not authorised/);

        // The same listener lets the right password in, so the refusal was about the password.
        const right = await openTab({ ...guardedUser, engine: uniqueName('right'), room, protocol: 'mqtt', server: proxy.url, options: FAST });
        tabs.push(right);
        await waitFor(() => stateText(right.chat) === 'Connected', 15_000, 'the right password to connect');
        // Meanwhile (a page, a worker and a login) a retry loop with backoffBase 200 ms would have
        // dialled again: the proxy saw one connection from each tab.
        expect(await proxy.accepted()).to.equal(2);
        expect(stateText(wrong.chat)).to.match(/^Can't connect/);

        // The visitor fixes the password: the same chat connects at once, keeping its room.
        wrong.chat.password = guardedUser.password;
        await waitFor(() => stateText(wrong.chat) === 'Connected' && wrong.chat.session.joined, 15_000, 'the fixed password to connect');
        expect(await proxy.accepted()).to.equal(3);
      } finally {
        for (const tab of tabs) tab.close();
        await proxy.stop();
      }
    });

    it('gives ten tabs of one browser one MQTT connection', async function () {
      this.timeout(90_000);
      // Connections of earlier tests linger for idleGrace (500 ms) after their tabs close.
      const before = await settled(() => brokerClients(broker), 1_500, 30_000, `${broker}'s client count`);
      const engine = uniqueName('ten-tabs');
      const room = uniqueName('room');
      const server = await brokerUrl(broker);
      // All ten at once: the engine must not open a second connection for tabs that attach
      // while the first connection is still being made.
      const tabs: Tab[] = await Promise.all(Array.from({ length: 10 }, () => openTab({ engine, user: 'Tess', room, protocol: 'mqtt', server, options: FAST })));
      await waitFor(() => tabs.every((t) => stateText(t.chat) === 'Connected'), 20_000, 'all ten tabs connected');
      expect(await settled(() => brokerClients(broker), 1_500, 30_000, `${broker}'s client count`)).to.equal(before + 1);
      await type(tabs[0]!.chat, 'one socket, ten tabs');
      await waitFor(() => tabs.every((t) => texts(t.chat).includes('one socket, ten tabs')), 10_000, 'the message in every tab');
      for (const tab of tabs) tab.close();
    });

  });
}

/**
 * A visitor offline for 30 s (issue 4) gets what was published meanwhile, from the broker's
 * persistent session: once on each broker, both at the same time, since each waits 30 s.
 */
async function offlineFor30s(broker: (typeof BROKERS)[number]): Promise<void> {
  const proxy = await brokerProxy(broker);
  try {
    const room = uniqueName('room');
    const eve = await mqttTab(broker, 'Eve', room, uniqueName('eve'), proxy.url);
    const started = performance.now();
    await proxy.set('refuse');
    await waitFor(() => stateText(eve.chat) !== 'Connected', 10_000, `Eve to lose the link to ${broker}`);
    const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    await mosquittoPub(broker, roomTopic(room), missed);
    await sleep(30_000 - (performance.now() - started));
    expect(texts(eve.chat), `on ${broker}, nothing while offline`).to.deep.equal([]);
    await proxy.set('forward');
    await waitFor(() => missed.every((m) => texts(eve.chat).includes(m)), 20_000, `the missed messages from ${broker}`);
    expect(texts(eve.chat), `on ${broker}`).to.deep.equal(missed);
    eve.close();
  } finally {
    await proxy.stop();
  }
}

describe('MQTT resilience, every broker', () => {
  it(`gets, after 30 s offline, what was published meanwhile (persistent session), on ${BROKERS.join(' and ')}`, async function () {
    this.timeout(120_000);
    await Promise.all(BROKERS.map(offlineFor30s));
  });
});
