import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../worker/api.ts';
import { transport } from '../../worker/transports/mqtt/index.ts';
import { TransportRecorder } from '../support/transport-recorder.ts';
import { uniqueName } from './tabs.ts';
import { BROKERS, brokerUrl, mosquittoPub, mosquittoSub, mqttEnv, waitForAsync } from './mqtt-env.ts';

/** The topic mapping of docs/mqtt.md, as other MQTT clients see it. */
function connect(config: ConnectionConfig) {
  const r = new TransportRecorder();
  const context = { deviceId: uniqueName('device'), heartbeat: { interval: 15_000, timeout: 5_000 } };
  return { r, transport: transport.create(config, r.events, context, transport.session()) };
}

for (const broker of BROKERS) {
  describe(`MQTT topics, ${broker}`, () => {
    it('puts a room under the configured prefix, one percent-encoded level, with typing beside it', async () => {
      const room = `${uniqueName('support')}/a+b #1`;
      const prefix = `acme/${uniqueName('chat')}`;
      const topic = `${prefix}/${encodeURIComponent(room)}`;
      const { r, transport: t } = connect({ protocol: 'mqtt', url: await brokerUrl(broker), user: 'Ann', topicPrefix: prefix });
      const sub = await mosquittoSub(broker, `${prefix}/#`);
      try {
        t.open();
        await r.wait('open');
        t.join(room);
        await r.joined(room);
        await mosquittoPub(broker, topic, ['hello from outside']);
        await mosquittoPub(broker, `${topic}/typing`, ['{"from":"Bob","typing":true}']);
        const [message] = (await r.wait('message'))!;
        expect(message).to.include({ room, text: 'hello from outside' });
        // No display name in that payload: the fourth argument, the name, is undefined.
        expect(await r.wait('typing')).to.deep.equal([room, 'Bob', true, undefined]);

        t.typing(room, true);
        t.send({ id: crypto.randomUUID(), room, from: 'Ann', text: 'hi', ts: Date.now() });
        const lines = await waitForAsync(() => sub.read(), (l) => l.some((p) => p.includes('"text":"hi"')) && l.includes('{"from":"Ann","typing":true}'), 10_000, 'both at mosquitto_sub');
        expect(lines).to.include('hello from outside');
        expect(r.all('error')).to.deep.equal([]);
      } finally {
        t.close();
        await sub.stop();
      }
    });
  });
}

describe('MQTT subscriptions the broker refuses', () => {
  it('reports subscribe-refused, and never that the room is joined, when the broker refuses the topic', async () => {
    const { aedes, guardedUser } = await mqttEnv();
    // The guarded aedes allows subscriptions under parley/rooms only (test/support/wtr-mqtt.ts).
    // Mosquitto 2.0.11 would grant it and only withhold the messages (docs/platform.md).
    const config = { protocol: 'mqtt', url: aedes.guardedUrl, ...guardedUser, topicPrefix: 'forbidden/rooms' } as const;
    const { r, transport: t } = connect(config);
    try {
      t.open();
      await r.wait('open');
      t.join('lobby');
      const [error] = (await r.wait('error', (e) => e.code === 'subscribe-refused'))!;
      expect(error.message).to.contain('"lobby"');
      expect(r.count('joined')).to.equal(0);
      // The same user on the allowed prefix is joined: the refusal was the ACL's, not the login's.
      const allowed = connect({ ...config, topicPrefix: 'parley/rooms' });
      allowed.transport.open();
      await allowed.r.wait('open');
      allowed.transport.join('lobby');
      await allowed.r.joined('lobby');
      allowed.transport.close();
      expect(r.count('joined')).to.equal(0);
    } finally {
      t.close();
    }
  });
});

describe('MQTT settings that no retry can fix', () => {
  it('fails for good on a topic prefix with a wildcard, or a server URL that is not ws:// or wss://', async () => {
    const url = await brokerUrl('mosquitto');
    for (const [config, words] of [
      [{ url, topicPrefix: 'acme/+/chat' }, /topic prefix/],
      [{ url: url.replace('ws://', 'http://') }, /ws:\/\/ or wss:\/\//],
    ] as const) {
      const { r, transport: t } = connect({ protocol: 'mqtt', user: 'Ann', ...config });
      t.open();
      const [info] = (await r.wait('close', undefined, 5_000))!;
      expect(info).to.include({ code: 'config', fatal: true });
      expect(info.reason).to.match(words);
      expect(r.count('open')).to.equal(0);
      t.close();
    }
  });
});
