import type { TestRunnerPlugin } from '@web/test-runner';
import { connectAsync } from 'mqtt';
import { PEER_USER, RABBIT_PASSWORD, RABBIT_USERS, RabbitCluster } from './rabbitmq.ts';

/**
 * RabbitMQ clusters beside @web/test-runner, for test/browser/*rabbit*.test.ts, driven through
 * server commands. A cluster starts on first use (a test file that needs none costs nothing)
 * under a name the tests choose: a test that kills a node asks for a cluster of its own, since
 * a killed RabbitMQ node takes over a minute to rejoin (docs/platform.md, "RabbitMQ").
 */
export interface RabbitEnv {
  /** One per node, in order: node 1 is the one the others joined. */
  nodes: { name: string; url: string }[];
  /** ms from the first node's start to a cluster whose every node accepts MQTT. */
  startupMs: number;
  /** The accounts the cluster knows (RabbitMQ checks every MQTT user name), all with `password`. */
  users: readonly string[];
  password: string;
}

type Payload = Record<string, unknown>;

export function rabbitServers(): TestRunnerPlugin {
  const clusters = new Map<string, Promise<RabbitCluster>>();
  let nextId = 0;

  const str = (p: Payload, key: string) => {
    const value = p[key];
    if (typeof value !== 'string' || !value) throw new Error(`server command: "${key}" must be a non-empty string`);
    return value;
  };
  const index = (p: Payload, cluster: RabbitCluster) => {
    const i = p.node ?? 0;
    if (typeof i !== 'number' || !cluster.nodes[i]) throw new Error(`server command: "node" must be 0 to ${cluster.nodes.length - 1}`);
    return i;
  };
  /** The named cluster, started now if this is its first use; `size` only counts then. */
  const cluster = (p: Payload): Promise<RabbitCluster> => {
    const name = str(p, 'cluster');
    let started = clusters.get(name);
    if (!started) {
      const size = p.size ?? 1;
      if (size !== 1 && size !== 2) throw new Error('server command: "size" must be 1 or 2');
      started = RabbitCluster.start(size);
      // A failed start is not kept: the next test gets a new try and the same readable error.
      started.catch(() => clusters.delete(name));
      clusters.set(name, started);
      void started.then((c) => console.log(`[rabbitmq] cluster "${name}" of ${size} node(s) ready in ${c.startupMs} ms`), () => undefined);
    }
    return started;
  };

  const commands: Record<string, (p: Payload) => Promise<unknown>> = {
    'rabbit-env': async (p): Promise<RabbitEnv> => {
      const c = await cluster(p);
      return { nodes: c.nodes.map((n) => ({ name: n.name, url: n.wsUrl })), startupMs: c.startupMs, users: RABBIT_USERS, password: RABBIT_PASSWORD };
    },
    /** SIGKILL to a node's VM; resolves with the time it was gone (ms since the epoch). */
    'rabbit-kill': async (p) => {
      const c = await cluster(p);
      return c.kill(index(p, c));
    },
    'rabbit-stop-app': async (p) => {
      const c = await cluster(p);
      await c.stopApp(index(p, c));
    },
    'rabbit-start-app': async (p) => {
      const c = await cluster(p);
      await c.startApp(index(p, c));
    },
    /** Publishes `messages` (strings) to `topic` with QoS 1 over a node's plain MQTT port, as any client could. */
    'rabbit-pub': async (p) => {
      const c = await cluster(p);
      const node = c.nodes[index(p, c)]!;
      const messages = p.messages;
      if (!Array.isArray(messages) || !messages.every((m) => typeof m === 'string')) throw new Error('"messages" must be strings');
      const client = await connectAsync(`mqtt://127.0.0.1:${node.mqttPort}`, {
        clientId: `parleypeer${++nextId}`,
        username: PEER_USER,
        password: RABBIT_PASSWORD,
        reconnectPeriod: 0,
      });
      try {
        // One after the other, so that they arrive in this order.
        for (const m of messages) await client.publishAsync(str(p, 'topic'), m, { qos: 1 });
      } finally {
        await client.endAsync();
      }
    },
    'rabbit-log': async (p) => {
      const c = await cluster(p);
      return c.log(c.nodes[index(p, c)]!);
    },
  };

  return {
    name: 'parley-rabbitmq',
    async serverStop() {
      const all = await Promise.allSettled(clusters.values());
      clusters.clear();
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
    async executeCommand({ command, payload }) {
      const handler = commands[command];
      // wtr reads `undefined` as "not my command".
      return handler ? ((await handler((payload ?? {}) as Payload)) ?? true) : undefined;
    },
  };
}
