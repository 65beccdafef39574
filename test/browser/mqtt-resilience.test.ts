import { expect } from '@esm-bundle/chai';
import { openTab, settled, sleep, stateText, statuses, texts, type, uniqueName, waitFor, type Tab } from './tabs.ts';
import {
  BROKERS,
  brokerClients,
  brokerProxy,
  brokerUrl,
  FAST,
  mosquittoPub,
  mosquittoSub,
  mqttEnv,
  mqttTab,
  restartBroker,
  roomTopic,
  waitForAsync,
} from './mqtt-env.ts';


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
      } finally {
        for (const tab of tabs) tab.close();
        await proxy.stop();
      }
    });

    it('notices a link that went silent (no PINGRESP) and reconnects when it is back', async function () {
      this.timeout(60_000);
      const proxy = await brokerProxy(broker);
      try {
        const room = uniqueName('room');
        const fay = await mqttTab(broker, 'Fay', room, uniqueName('fay'), proxy.url);
        const states: string[] = [];
        fay.chat.addEventListener('parley-state', (e) => states.push(`${e.detail.change.to}:${e.detail.change.reason}`));
        // Half-open: the socket stays up but no byte passes, so no close event ever comes.
        await proxy.set('blackhole');
        // heartbeatInterval 2 s + heartbeatTimeout 2 s, with room for a busy machine.
        await waitFor(() => states.includes('reconnecting:heartbeat-timeout'), 15_000, 'the heartbeat to give up');
        await proxy.set('forward');
        await waitFor(() => stateText(fay.chat) === 'Connected', 15_000, 'the link to come back');
        // The SUBSCRIBE follows the CONNACK: the room is live once its SUBACK is in.
        await waitFor(() => fay.chat.session.joined, 15_000, 'the room joined again');
        await mosquittoPub(broker, roomTopic(room), ['after the silence']);
        await waitFor(() => texts(fay.chat).includes('after the silence'), 10_000, 'a message on the new link');
        fay.close();
      } finally {
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
      const tabs: Tab[] = [];
      for (let i = 0; i < 10; i++) tabs.push(await openTab({ engine, user: 'Tess', room, protocol: 'mqtt', server, options: FAST }));
      await waitFor(() => tabs.every((t) => stateText(t.chat) === 'Connected'), 20_000, 'all ten tabs connected');
      expect(await settled(() => brokerClients(broker), 1_500, 30_000, `${broker}'s client count`)).to.equal(before + 1);
      await type(tabs[0]!.chat, 'one socket, ten tabs');
      await waitFor(() => tabs.every((t) => texts(t.chat).includes('one socket, ten tabs')), 10_000, 'the message in every tab');
      for (const tab of tabs) tab.close();
    });

    it('gets, after 30 s offline, what was published meanwhile (persistent session)', async function () {
      this.timeout(120_000);
      const proxy = await brokerProxy(broker);
      try {
        const room = uniqueName('room');
        const eve = await mqttTab(broker, 'Eve', room, uniqueName('eve'), proxy.url);
        const started = performance.now();
        await proxy.set('refuse');
        await waitFor(() => stateText(eve.chat) !== 'Connected', 10_000, 'Eve to lose the link');
        const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
        await mosquittoPub(broker, roomTopic(room), missed);
        await sleep(30_000 - (performance.now() - started));
        expect(texts(eve.chat)).to.deep.equal([]);
        await proxy.set('forward');
        await waitFor(() => missed.every((m) => texts(eve.chat).includes(m)), 20_000, 'the missed messages');
        expect(texts(eve.chat)).to.deep.equal(missed);
        eve.close();
      } finally {
        await proxy.stop();
      }
    });

    it('loses and repeats nothing when the broker restarts during a 200-message burst', async function () {
      this.timeout(240_000);
      const N = 200;
      const room = uniqueName('room');
      const sub = await mosquittoSub(broker, roomTopic(room));
      try {
        const ann = await mqttTab(broker, 'Ann', room);
        const bob = await mqttTab(broker, 'Bob', room);
        const states: string[] = [];
        ann.chat.addEventListener('parley-state', (e) => states.push(e.detail.change.to));
        const sent = Array.from({ length: N }, (_, i) => `burst ${i}`);
        let restarted: Promise<void> | undefined;
        for (const [i, text] of sent.entries()) {
          if (i === 60) restarted = restartBroker(broker);
          await type(ann.chat, text);
        }
        await restarted;
        await waitFor(() => states.includes('reconnecting'), 10_000, 'the sender to notice the restart');
        await waitFor(() => statuses(ann.chat).filter((s) => s === 'sent').length === N, 90_000, `${N} messages sent`);
        expect(statuses(ann.chat)).to.have.length(N);

        await waitFor(() => texts(bob.chat).length >= N, 60_000, `${N} messages at Bob`);
        // Every message is PUBACKed: a resend went out before this, and the broker keeps one
        // publisher's order on a topic (MQTT 3.1.1 §4.6), so a copy shown twice would come first.
        await type(ann.chat, 'after the burst');
        await waitFor(() => texts(bob.chat).includes('after the burst'), 30_000, 'the last message at Bob');
        expect(texts(bob.chat)).to.have.length(N + 1);
        expect([...texts(bob.chat)].sort()).to.deep.equal([...sent, 'after the burst'].sort());

        // mosquitto_sub shows raw QoS 1 deliveries, which may repeat (§4.3.2); ids make that harmless.
        const lines = await waitForAsync(
          () => sub.read(),
          (l) => new Set(l.map((p) => (JSON.parse(p) as { id: string }).id)).size >= N + 1,
          60_000,
          `${N + 1} messages at mosquitto_sub`,
        );
        const byId = new Map(lines.map((p) => JSON.parse(p) as { id: string; text: string }).map((m) => [m.id, m.text]));
        expect([...byId.values()].sort()).to.deep.equal([...sent, 'after the burst'].sort());
        console.log(`[${broker}] mosquitto_sub got ${lines.length} deliveries of ${N + 1} messages`);
        ann.close();
        bob.close();
      } finally {
        await sub.stop();
      }
    });
  });
}
