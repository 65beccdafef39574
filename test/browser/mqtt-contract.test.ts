import { transport } from '../../worker/transports/mqtt/index.ts';
import { BROKERS, mosquittoPub, mqttEnv, roomTopic, startBroker, stopBroker } from './mqtt-env.ts';
import { uniqueName } from './tabs.ts';
import { transportContract, type HostileCase } from './transport-contract.ts';

/** A Parley chat payload (docs/mqtt.md) for each hostile case, as any MQTT client could publish it. */
const payload = (c: HostileCase) =>
  JSON.stringify({
    id: c.id,
    from: 'mallory',
    text: c.text,
    ts: c.ts === 'huge' ? 1e20 : c.ts === 'bogus' ? 'bogus' : Date.now(),
    ...(c.extra ? { html: '<img src=x onerror=alert(1)>', room: 'elsewhere', status: 'read' } : {}),
  });

for (const broker of BROKERS) {
  transportContract(`MQTT over WebSocket, ${broker}`, {
    module: async () => transport,
    config: async (user) => ({ protocol: 'mqtt', url: (await mqttEnv())[broker].url, user }),
    refused: async () => {
      const { guardedUrl } = (await mqttEnv())[broker];
      return { protocol: 'mqtt', url: guardedUrl, user: 'intruder', password: 'wrong' };
    },
    stopServer: () => stopBroker(broker),
    startServer: () => startBroker(broker),
    // mosquitto_pub, a real MQTT client that publishes whatever it is given.
    hostile: async () => {
      const room = uniqueName('hostile');
      return {
        config: { protocol: 'mqtt', url: (await mqttEnv())[broker].url, user: 'ann' },
        room,
        send: (cases) => mosquittoPub(broker, roomTopic(room), cases.map(payload)),
        stop: async () => undefined,
      };
    },
  });
}
