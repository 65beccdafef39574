import { executeServerCommand } from '@web/test-runner-commands';
import type { RabbitEnv } from '../support/wtr-rabbitmq.ts';

/**
 * Typed wrappers for the server commands of test/support/wtr-rabbitmq.ts. `cluster` names a
 * cluster, started on first use with `size` nodes; a test that kills a node takes its own.
 */
export type { RabbitEnv };

const command = async <T>(name: string, payload?: object): Promise<T> => (await executeServerCommand(name, payload)) as T;

export const rabbitEnv = (cluster: string, size: 1 | 2 = 1) => command<RabbitEnv>('rabbit-env', { cluster, size });
/** SIGKILL to node `node`'s VM; resolves with when it was gone (ms since the epoch). */
export const killRabbit = (cluster: string, node: number) => command<number>('rabbit-kill', { cluster, node });
export const stopRabbitApp = (cluster: string, node = 0) => command<void>('rabbit-stop-app', { cluster, node });
export const startRabbitApp = (cluster: string, node = 0) => command<void>('rabbit-start-app', { cluster, node });
export const rabbitPub = (cluster: string, topic: string, messages: string[], node = 0) =>
  command<void>('rabbit-pub', { cluster, node, topic, messages });
export const rabbitLog = (cluster: string, node = 0) => command<string>('rabbit-log', { cluster, node });
