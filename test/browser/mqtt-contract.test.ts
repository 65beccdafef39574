import { createTransport } from '../../worker/transports/mqtt/index.ts';
import { BROKERS, mqttEnv, startBroker, stopBroker } from './mqtt-env.ts';
import { transportContract } from './transport-contract.ts';

for (const broker of BROKERS) {
  transportContract(`MQTT over WebSocket, ${broker}`, {
    factory: async () => createTransport,
    config: async (user) => ({ protocol: 'mqtt', url: (await mqttEnv())[broker].url, user }),
    refused: async () => {
      const { guardedUrl } = (await mqttEnv())[broker];
      return { protocol: 'mqtt', url: guardedUrl, user: 'intruder', password: 'wrong' };
    },
    stopServer: () => stopBroker(broker),
    startServer: () => startBroker(broker),
  });
}
