import { executeServerCommand } from '@web/test-runner-commands';
import type { RabbitEnv } from '../support/wtr-rabbitmq.ts';
import { waitFor } from './tabs.ts';

/**
 * Typed wrappers for the server commands of test/support/wtr-rabbitmq.ts. `cluster` names a
 * cluster, started on first use with `size` nodes; a test that kills a node takes its own.
 */
export type { RabbitEnv };

const command = async <T>(name: string, payload?: object): Promise<T> => (await executeServerCommand(name, payload)) as T;

/** The cluster, started on first use; asked again while it starts (a server command times out after 20 s). */
export const rabbitEnv = async (cluster: string, size: 1 | 2 = 1): Promise<RabbitEnv> => {
  const env = await waitFor(async () => {
    const answer = await command<RabbitEnv | { starting: true }>('rabbit-env', { cluster, size });
    return 'nodes' in answer && answer;
  }, 150_000, `RabbitMQ cluster "${cluster}" to start`, 0);
  return env;
};
/**
 * SIGKILL to node `node`'s VM; resolves with when it was gone (ms since the epoch). `then`: a
 * peer publishes `messages` to `topic` through node `then.node` right after the kill.
 */
export const killRabbit = (cluster: string, node: number, then?: { node: number; topic: string; messages: string[] }) =>
  command<number>('rabbit-kill', { cluster, node, then });
/** The peer's publishing after the last kill: when it started (ms after the kill), ms to its last PUBACK, or why not (yet). */
export const peerAcks = () => command<{ afterKill?: number; ms?: number; error?: string; pending?: true }>('rabbit-peer-acks');
export const stopRabbitApp = (cluster: string, node = 0) => command<void>('rabbit-stop-app', { cluster, node });
export const startRabbitApp = (cluster: string, node = 0) => command<void>('rabbit-start-app', { cluster, node });
export const rabbitPub = (cluster: string, topic: string, messages: string[], node = 0) =>
  command<void>('rabbit-pub', { cluster, node, topic, messages });
export const rabbitLog = (cluster: string, node = 0) => command<string>('rabbit-log', { cluster, node });

/** A peer on node `node` that records every payload on `topic`, repeats included. */
export async function rabbitSub(cluster: string, topic: string, node = 0) {
  const id = await command<string>('rabbit-sub-start', { cluster, node, topic });
  return {
    read: () => command<string[]>('rabbit-sub-read', { id }),
    stop: () => command<void>('rabbit-sub-stop', { id }),
  };
}
