import type { TestRunnerPlugin } from '@web/test-runner';
import { connectAsync, type MqttClient } from 'mqtt';
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
  /** Peers that record every payload they get, repeats included, by id. */
  const subs = new Map<string, { client: MqttClient; messages: string[] }>();
  let nextId = 0;
  /** The peer's publishing after the last kill. */
  let peerAcks: Promise<{ afterKill: number; ms: number } | { error: string }> | undefined;

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
  /**
   * The cluster if it is ready; undefined while it starts. A browser's server command times out
   * after 20 s, and a cluster may take longer, so the browser asks again (test/browser/rabbit-env.ts).
   */
  const ready = async (p: Payload): Promise<RabbitCluster | undefined> => {
    const starting = cluster(p);
    const done = await Promise.race([starting, new Promise<undefined>((r) => setTimeout(r, 5_000, undefined))]);
    return done;
  };

  /** `p.messages` (strings) to `p.topic`, QoS 1, one after the other, through node `p.node`'s plain MQTT port. */
  const publish = async (c: RabbitCluster, p: Payload) => {
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
      for (const m of messages) await client.publishAsync(str(p, 'topic'), m, { qos: 1 });
    } finally {
      await client.endAsync();
    }
  };

  const commands: Record<string, (p: Payload) => Promise<unknown>> = {
    /** The cluster's URLs and accounts, once it is ready; `{ starting: true }` until then. */
    'rabbit-env': async (p): Promise<RabbitEnv | { starting: true }> => {
      const c = await ready(p);
      if (!c) return { starting: true };
      return { nodes: c.nodes.map((n) => ({ name: n.name, url: n.wsUrl })), startupMs: c.startupMs, users: RABBIT_USERS, password: RABBIT_PASSWORD };
    },
    /**
     * SIGKILL to a node's VM; resolves with the time it was gone (ms since the epoch). With
     * `then`, a peer publishes those messages through another node (in the background, so the
     * kill's time comes back at once): what a room says while a session's node is down. It
     * waits until that node has dropped the dead one from its peers: a QoS 1 publish before
     * then may never get its PUBACK (docs/platform.md, "RabbitMQ"). `rabbit-peer-acks` says
     * how it went.
     */
    'rabbit-kill': async (p) => {
      const c = await cluster(p);
      const gone = index(p, c);
      const killedAt = await c.kill(gone);
      if (p.then) {
        const then = p.then as Payload;
        peerAcks = c
          .nodeDown(index(then, c), gone)
          .then(async () => {
            const started = Date.now();
            await publish(c, then);
            return { afterKill: started - killedAt, ms: Date.now() - started };
          })
          .catch((e: unknown) => ({ error: String(e) }));
      }
      return killedAt;
    },
    /**
     * The peer's publishing after the last kill: when it started (ms after the kill) and how
     * long it took to the last PUBACK. Waits up to 15 s (a server command has 20).
     */
    'rabbit-peer-acks': async () =>
      Promise.race([peerAcks ?? { error: 'nothing was published' }, new Promise((r) => setTimeout(r, 15_000, { pending: true }))]),
    'rabbit-stop-app': async (p) => {
      const c = await cluster(p);
      await c.stopApp(index(p, c));
    },
    'rabbit-start-app': async (p) => {
      const c = await cluster(p);
      await c.startApp(index(p, c));
    },
    /** Publishes `messages` (strings) to `topic` with QoS 1 over a node's plain MQTT port, as any client could. */
    'rabbit-pub': async (p) => publish(await cluster(p), p),
    /**
     * A peer on a node's plain MQTT port that records every payload on `topic` as it comes,
     * repeats included (a widget's history keeps each id once, so it cannot count them).
     * Resolves with its id once the broker granted the subscription.
     */
    'rabbit-sub-start': async (p) => {
      const c = await cluster(p);
      const node = c.nodes[index(p, c)]!;
      const id = `sub${++nextId}`;
      const client = await connectAsync(`mqtt://127.0.0.1:${node.mqttPort}`, {
        clientId: `parleysub${nextId}`,
        username: PEER_USER,
        password: RABBIT_PASSWORD,
        reconnectPeriod: 0,
      });
      const sub = { client, messages: [] as string[] };
      client.on('message', (_topic, payload) => sub.messages.push(payload.toString('utf8')));
      await client.subscribeAsync(str(p, 'topic'), { qos: 1 });
      subs.set(id, sub);
      return id;
    },
    'rabbit-sub-read': async (p) => subs.get(str(p, 'id'))?.messages ?? null,
    'rabbit-sub-stop': async (p) => {
      await subs.get(str(p, 'id'))?.client.endAsync();
      subs.delete(str(p, 'id'));
    },
    'rabbit-log': async (p) => {
      const c = await cluster(p);
      return c.log(c.nodes[index(p, c)]!);
    },
  };

  return {
    name: 'parley-rabbitmq',
    async serverStop() {
      await Promise.all([...subs.values()].map((s) => s.client.endAsync(true)));
      subs.clear();
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
