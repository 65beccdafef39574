import { expect } from '@esm-bundle/chai';
import type { InboundMessage, TransportEvents } from '../../worker/transports/transport.ts';
import { createTransport } from '../../worker/transports/mqtt/index.ts';
import { uniqueName, waitFor } from './tabs.ts';
import { BROKERS, brokerUrl, mosquittoPub, mosquittoSub, waitForAsync } from './mqtt-env.ts';

/** The topic mapping of docs/mqtt.md, as other MQTT clients see it. */
function recorder() {
  const messages: InboundMessage[] = [];
  const typing: [string, string, boolean][] = [];
  const errors: string[] = [];
  const closes: { code: string; fatal: boolean; reason: string }[] = [];
  let open = false;
  const events: TransportEvents = {
    open: () => (open = true),
    activity: () => undefined,
    message: (m) => void messages.push(m),
    ack: () => undefined,
    reject: () => undefined,
    typing: (room, from, t) => typing.push([room, from, t]),
    historyEnd: () => undefined,
    caughtUp: () => undefined,
    receipt: () => undefined,
    error: (e) => errors.push(e.code),
    close: (info) => closes.push(info),
  };
  return { events, messages, typing, errors, closes, isOpen: () => open };
}

for (const broker of BROKERS) {
  describe(`MQTT topics, ${broker}`, () => {
    it('puts a room under the configured prefix, one percent-encoded level, with typing beside it', async () => {
      const r = recorder();
      const room = `${uniqueName('support')}/a+b #1`;
      const prefix = `acme/${uniqueName('chat')}`;
      const topic = `${prefix}/${encodeURIComponent(room)}`;
      const transport = createTransport({ protocol: 'mqtt', url: await brokerUrl(broker), user: 'Ann', topicPrefix: prefix }, r.events, { deviceId: uniqueName('device') });
      const sub = await mosquittoSub(broker, `${prefix}/#`);
      try {
        transport.open();
        await waitFor(r.isOpen, 10_000, 'open');
        transport.join(room);
        await new Promise((done) => setTimeout(done, 500));
        await mosquittoPub(broker, topic, ['hello from outside']);
        await mosquittoPub(broker, `${topic}/typing`, ['{"from":"Bob","typing":true}']);
        await waitFor(() => r.messages.length && r.typing.length, 10_000, 'the message and the typing state');
        expect(r.messages[0]).to.include({ room, text: 'hello from outside' });
        expect(r.typing[0]).to.deep.equal([room, 'Bob', true]);

        transport.typing(room, true);
        transport.send({ id: crypto.randomUUID(), room, from: 'Ann', text: 'hi', ts: Date.now() });
        const lines = await waitForAsync(() => sub.read(), (l) => l.some((p) => p.includes('"text":"hi"')) && l.includes('{"from":"Ann","typing":true}'), 10_000, 'both at mosquitto_sub');
        expect(lines).to.include('hello from outside');
        expect(r.errors).to.deep.equal([]);
      } finally {
        transport.close();
        await sub.stop();
      }
    });
  });
}

describe('MQTT settings that no retry can fix', () => {
  it('fails for good on a topic prefix with a wildcard, or a server URL that is not ws:// or wss://', async () => {
    const url = await brokerUrl('mosquitto');
    for (const [config, words] of [
      [{ url, topicPrefix: 'acme/+/chat' }, /topic prefix/],
      [{ url: url.replace('ws://', 'http://') }, /ws:\/\/ or wss:\/\//],
    ] as const) {
      const r = recorder();
      const transport = createTransport({ protocol: 'mqtt', user: 'Ann', ...config }, r.events, { deviceId: uniqueName('device') });
      transport.open();
      await waitFor(() => r.closes.length, 5_000, 'a close');
      expect(r.closes[0]).to.include({ code: 'config', fatal: true });
      expect(r.closes[0]!.reason).to.match(words);
      expect(r.isOpen()).to.equal(false);
      transport.close();
    }
  });
});
