import { executeServerCommand } from '@web/test-runner-commands';
import type { BrokerName, MqttEnv } from '../support/wtr-mqtt.ts';

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
