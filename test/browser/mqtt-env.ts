import { executeServerCommand } from '@web/test-runner-commands';
import type { BrokerName, MqttEnv } from '../support/wtr-mqtt.ts';
import { FAST as SHARED_FAST } from '../support/fast-options.ts';
import { openTab, stateText, uniqueName, waitFor, type Tab } from './tabs.ts';

/** Typed wrappers for the server commands of test/support/wtr-mqtt.ts. */
export type { BrokerName };
export const BROKERS: readonly BrokerName[] = ['aedes', 'mosquitto'];

const command = async <T>(name: string, payload?: object): Promise<T> => (await executeServerCommand(name, payload)) as T;

export const mqttEnv = () => command<MqttEnv>('mqtt-env');
export const brokerUrl = async (broker: BrokerName) => (await mqttEnv())[broker].url;
export const stopBroker = (broker: BrokerName) => command<void>('mqtt-stop', { broker });
export const startBroker = (broker: BrokerName) => command<void>('mqtt-start', { broker });
export const restartBroker = (broker: BrokerName) => command<void>('mqtt-restart', { broker });
export const brokerClients = (broker: BrokerName) => command<number>('mqtt-clients', { broker });

export const mosquittoPub = (broker: BrokerName, topic: string, messages: string[]) =>
  command<void>('mosquitto-pub', { broker, topic, messages });

export interface Sub {
  read(): Promise<string[]>;
  stop(): Promise<void>;
}
export async function mosquittoSub(broker: BrokerName, topic: string): Promise<Sub> {
  const id = await command<string>('mosquitto-sub-start', { broker, topic });
  return {
    read: () => command<string[]>('mosquitto-sub-read', { id }),
    stop: () => command<void>('mosquitto-sub-stop', { id }),
  };
}

export interface Proxy {
  url: string;
  set(mode: 'forward' | 'blackhole' | 'refuse'): Promise<void>;
  accepted(): Promise<number>;
  stop(): Promise<void>;
}
export async function brokerProxy(broker: BrokerName, guarded = false): Promise<Proxy> {
  const { id, url } = await command<{ id: string; url: string }>('mqtt-proxy-start', { broker, guarded });
  return {
    url,
    set: (mode) => command<void>('mqtt-proxy-set', { id, mode }),
    accepted: () => command<number>('mqtt-proxy-accepted', { id }),
    stop: () => command<void>('mqtt-proxy-stop', { id }),
  };
}

/** The topic of a room under the default prefix (docs/mqtt.md). */
export const roomTopic = (room: string) => `parley/rooms/${encodeURIComponent(room)}`;

/**
 * The shared fast timings (test/support/fast-options.ts), and an idle socket closed 500 ms after
 * its last tab, so that broker client counts settle within a test.
 */
export const FAST = { ...SHARED_FAST, idleGrace: 500 } as const;

export async function mqttTab(broker: BrokerName, user: string, room: string, engine = uniqueName(user), server?: string): Promise<Tab> {
  const tab = await openTab({ engine, user, room, protocol: 'mqtt', server: server ?? (await brokerUrl(broker)), options: FAST });
  await waitFor(() => stateText(tab.chat) === 'Connected', 15_000, `${user} connected to ${broker}`);
  // Connected comes with the CONNACK; the room is live once the broker's SUBACK is in.
  await waitFor(() => tab.chat.session.joined, 15_000, `${user}'s room joined on ${broker}`);
  return tab;
}

/** Polls an async probe until `done` holds for its value, and resolves with that value. */
export const waitForAsync = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, timeout: number, what: string): Promise<T> =>
  (await waitFor(async () => {
    const value = await probe();
    return done(value) && { value };
  }, timeout, what, 100)).value;
