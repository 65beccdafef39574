import { transport } from '../../worker/transports/mqtt/index.ts';
import { roomTopic } from './mqtt-env.ts';
import { rabbitEnv, rabbitPub, startRabbitApp, stopRabbitApp } from './rabbit-env.ts';
import { uniqueName } from './tabs.ts';
import { transportContract, type HostileCase } from './transport-contract.ts';

/** One RabbitMQ node is enough for the contract; test/browser/mqtt-rabbit-cluster.test.ts has the cluster. */
const CLUSTER = 'contract';
const url = async () => (await rabbitEnv(CLUSTER)).nodes[0]!.url;
/** RabbitMQ checks every MQTT user name: the contract's users are accounts of the test cluster. */
const account = async (user: string) => {
  const env = await rabbitEnv(CLUSTER);
  if (!env.users.includes(user)) throw new Error(`"${user}" is not an account of the test cluster (test/support/rabbitmq.ts)`);
  return { protocol: 'mqtt' as const, url: env.nodes[0]!.url, user, password: env.password };
};

/** A Parley chat payload (docs/mqtt.md) for each hostile case, as any MQTT client could publish it. */
const payload = (c: HostileCase) =>
  JSON.stringify({
    id: c.id,
    from: 'mallory',
    text: c.text,
    ts: c.ts === 'huge' ? 1e20 : c.ts === 'bogus' ? 'bogus' : Date.now(),
    ...(c.extra ? { html: '<img src=x onerror=alert(1)>', room: 'elsewhere', status: 'read' } : {}),
  });

transportContract('MQTT over WebSocket, RabbitMQ (Web MQTT plugin)', {
  module: async () => transport,
  config: account,
  // RabbitMQ's Web MQTT closes the WebSocket (1002 "unauthenticated") for a user it does not know.
  refused: async () => ({ protocol: 'mqtt', url: await url(), user: 'intruder', password: 'wrong' }),
  // stop_app closes every listener and connection, and the node comes back in a few seconds.
  stopServer: () => stopRabbitApp(CLUSTER),
  startServer: () => startRabbitApp(CLUSTER),
  hostile: async () => {
    const room = uniqueName('hostile');
    return {
      config: await account('ann'),
      room,
      send: (cases) => rabbitPub(CLUSTER, roomTopic(room), cases.map(payload)),
      stop: async () => undefined,
    };
  },
});
