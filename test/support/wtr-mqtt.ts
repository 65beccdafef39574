import type { TestRunnerPlugin } from '@web/test-runner';
import { connectAsync } from 'mqtt';
import { AedesServer } from './aedes-server.ts';
import { Mosquitto, GUARDED_USER } from './mosquitto.ts';

/** Where the guarded aedes lets its user subscribe; anything else gets SUBACK 0x80. */
export const GUARDED_TOPIC_PREFIX = 'parley/rooms';
import { mosquittoPub, mosquittoSys, MosquittoSub } from './mqtt-clients.ts';
import { TcpProxy, type ProxyMode } from './tcp-proxy.ts';

/**
 * MQTT brokers beside @web/test-runner, for test/browser/mqtt-*.test.ts: the demo's aedes and
 * a real Mosquitto, each with a password-checking twin, plus mosquitto_pub/sub peers and TCP
 * proxies, all driven through server commands.
 */
export type BrokerName = 'aedes' | 'mosquitto';

export interface BrokerEnv {
  /** ws:// URL anyone may use. */
  url: string;
  /** ws:// URL that only accepts `guardedUser` (aedes: and only its subscriptions under `GUARDED_TOPIC_PREFIX`). */
  guardedUrl: string;
}

export interface MqttEnv {
  aedes: BrokerEnv;
  mosquitto: BrokerEnv;
  guardedUser: { user: string; password: string };
}

type Payload = Record<string, unknown>;

export function mqttServers(): TestRunnerPlugin {
  let aedes: AedesServer | undefined;
  let guardedAedes: AedesServer | undefined;
  let mosquitto: Mosquitto | undefined;
  const subs = new Map<string, MosquittoSub>();
  const proxies = new Map<string, TcpProxy>();
  let nextId = 0;

  const tcpPort = (broker: unknown) => (broker === 'aedes' ? aedes!.tcpPort : mosquitto!.tcpPort);
  const str = (p: Payload, key: string) => {
    const value = p[key];
    if (typeof value !== 'string') throw new Error(`server command: "${key}" must be a string`);
    return value;
  };

  const commands: Record<string, (p: Payload) => Promise<unknown>> = {
    'mqtt-env': async (): Promise<MqttEnv> => ({
      aedes: { url: aedes!.wsUrl, guardedUrl: guardedAedes!.wsUrl },
      mosquitto: { url: mosquitto!.wsUrl, guardedUrl: mosquitto!.guardedWsUrl },
      guardedUser: { ...GUARDED_USER },
    }),
    'mqtt-stop': async (p) => (p.broker === 'aedes' ? aedes!.stop() : mosquitto!.stop()),
    'mqtt-start': async (p) => (p.broker === 'aedes' ? aedes!.resume() : mosquitto!.restart()),
    /** Mosquitto: SIGTERM (it saves its persistence file) and a new process; aedes: see AedesServer. */
    'mqtt-restart': async (p) => {
      if (p.broker === 'aedes') {
        await aedes!.stop();
        await aedes!.resume();
      } else await mosquitto!.restart();
    },
    'mosquitto-pub': async (p) => {
      const messages = p.messages;
      if (!Array.isArray(messages) || !messages.every((m) => typeof m === 'string')) throw new Error('"messages" must be strings');
      await mosquittoPub(tcpPort(p.broker), str(p, 'topic'), messages);
    },
    'mosquitto-sub-start': async (p) => {
      const id = `sub${nextId++}`;
      const sub = new MosquittoSub(tcpPort(p.broker), str(p, 'topic'), `parleytest${id}${Date.now() % 1e6}`);
      subs.set(id, sub);
      await sub.ready();
      return id;
    },
    'mosquitto-sub-read': async (p) => subs.get(str(p, 'id'))?.messages ?? null,
    'mosquitto-sub-stop': async (p) => {
      subs.get(str(p, 'id'))?.stop();
      subs.delete(str(p, 'id'));
    },
    /** A TCP proxy in front of a broker's WebSocket listener; returns its id and ws:// URL. */
    'mqtt-proxy-start': async (p) => {
      const server = p.broker === 'aedes' ? (p.guarded ? guardedAedes! : aedes!) : mosquitto!;
      const port = p.broker === 'aedes' ? server.wsPort : p.guarded ? mosquitto!.guardedWsPort : mosquitto!.wsPort;
      const proxy = await TcpProxy.start({ port });
      const id = `proxy${nextId++}`;
      proxies.set(id, proxy);
      return { id, url: `ws://127.0.0.1:${proxy.port}${p.broker === 'aedes' ? '/mqtt' : ''}` };
    },
    'mqtt-proxy-set': async (p) => proxies.get(str(p, 'id'))!.set(str(p, 'mode') as ProxyMode),
    'mqtt-proxy-accepted': async (p) => proxies.get(str(p, 'id'))!.accepted,
    'mqtt-proxy-stop': async (p) => {
      await proxies.get(str(p, 'id'))?.close();
      proxies.delete(str(p, 'id'));
    },
    /**
     * Clients connected to the broker. Mosquitto: `$SYS/broker/clients/connected`, read by a
     * mosquitto_sub that counts itself. Its retained value may predate that mosquitto_sub; the
     * next one (sys_interval 1) includes it, so we take the last value seen and subtract 1.
     */
    /**
     * Publishes `payloads` (base64, any bytes) to `topics` (one each, in turn) with mqtt.js over
     * the broker's TCP port: QoS 1 on the first topic (chat, as Parley sends it), QoS 0 on the
     * others (typing). Hostile input for test/browser/fuzz-mqtt.test.ts.
     */
    'mqtt-publish-raw': async (p) => {
      const client = await connectAsync(`mqtt://127.0.0.1:${tcpPort(p.broker)}`, { clientId: `fuzz-${++nextId}`, reconnectPeriod: 0 });
      const topics = p.topics as string[];
      const payloads = p.payloads as string[];
      await Promise.all(
        payloads.map((b64, i) => client.publishAsync(topics[i % topics.length]!, Buffer.from(b64, 'base64'), { qos: i % topics.length ? 0 : 1 })),
      );
      await client.endAsync();
    },
    /** What Mosquitto logged (warnings and notices), for failure messages. */
    'mosquitto-log': async () => mosquitto!.log,
    'mqtt-clients': async (p) => {
      if (p.broker === 'aedes') return aedes!.broker.clients();
      const values = await mosquittoSys(mosquitto!.tcpPort, '$SYS/broker/clients/connected', 2, 3);
      const last = Number(values.at(-1));
      if (!Number.isFinite(last)) throw new Error(`no $SYS/broker/clients/connected from mosquitto:\n${mosquitto!.log}`);
      return last - 1;
    },
  };

  return {
    name: 'parley-mqtt',
    async serverStart() {
      [aedes, guardedAedes, mosquitto] = await Promise.all([
        AedesServer.start(),
        AedesServer.start(GUARDED_USER.password, GUARDED_TOPIC_PREFIX),
        Mosquitto.start(),
      ]);
    },
    async serverStop() {
      for (const sub of subs.values()) sub.stop();
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await Promise.all([aedes?.close(), guardedAedes?.close(), mosquitto?.close()]);
    },
    async executeCommand({ command, payload }) {
      const run = commands[command];
      // wtr reads `undefined` as "not my command".
      return run ? ((await run((payload ?? {}) as Payload)) ?? true) : undefined;
    },
  };
}
