import type { DemoServer } from '../../demo/server.ts';
import { RelayClient } from '../support/relay-client.ts';
import { steady } from './steady-rate.ts';

/**
 * The relay alone: one Node client sends `count` messages as fast as it can (pipelined) and
 * waits for every ack. This is the baseline of items 4 and 7 (the server behind the engine).
 * Returns msg/s and every ack latency, in ms.
 */
export async function relayRate(server: DemoServer, count: number, room: string): Promise<{ rate: number; latencies: number[] }> {
  const client = await RelayClient.connect(server.relayUrl, `relay-bench-${room}`);
  client.send({ type: 'join', room });
  await client.next((f) => f.type === 'joined');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  client.ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: string };
    if (frame.type === 'ack' && frame.id && sentAt.has(frame.id)) {
      latencies.push(performance.now() - sentAt.get(frame.id)!);
      if (latencies.length === count) done();
    }
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `${room}-${i}`;
    sentAt.set(id, performance.now());
    client.send({ type: 'msg', id, room, text: `message ${i}`, ts: Date.now() });
  }
  await all;
  const seconds = (performance.now() - start) / 1000;
  client.close();
  return { rate: count / seconds, latencies };
}

/** The relay's raw rate as items 4 and 7 take it: warm, the best of three (steady-rate.ts), in msg/s. */
export const relayAlone = (server: DemoServer): ((count: number) => Promise<number>) =>
  steady(async (count, run) => (await relayRate(server, count, `relay-alone-${run}-${Date.now()}`)).rate);
