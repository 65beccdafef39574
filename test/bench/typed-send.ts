import type { Browser } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { RelayClient } from '../support/relay-client.ts';
import { benchContext } from './page.ts';
import { repeat, type Section } from './results.ts';

/**
 * The bench's first figures, kept: `count` messages typed into the demo page's widget one
 * after the other (each once the box is empty again), stored and acked, in msg/s; and the
 * relay's ack latency one message at a time from Node (its p50 and p95 per repetition, and
 * the distribution for the chart).
 */
export async function measureTypedSend(server: DemoServer, browser: Browser, reps: number, count: number): Promise<Section> {
  const typed: number[] = [];
  const sequential: number[][] = [];
  await repeat(reps, async (rep) => {
    sequential.push(await oneAtATime(server, 500, `seq-${rep}-${Date.now()}`));
    const context = await benchContext(browser, server.url);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/?user=Typist&room=typed-${rep}-${Date.now()}`);
      await page.waitForFunction(() => document.querySelector('parley-chat')?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected');
      const ms = await page.evaluate(async (count) => {
        const root = document.querySelector('parley-chat')!.shadowRoot!;
        const box = root.querySelector('textarea')!;
        const button = root.querySelector<HTMLButtonElement>('button.primary')!;
        const t0 = performance.now();
        for (let i = 0; i < count; i++) {
          box.value = `typed ${i}`;
          button.click();
          while (box.value !== '') await new Promise((r) => setTimeout(r, 0));
        }
        // The list is virtualised: count acks in the element's model, not in its DOM.
        const chat = document.querySelector('parley-chat') as unknown as { messages: readonly { status?: string }[] };
        while (chat.messages.filter((m) => m.status === 'sent').length < count) await new Promise((r) => setTimeout(r, 5));
        return performance.now() - t0;
      }, count);
      typed.push(count / (ms / 1000));
    } finally {
      await context.close();
    }
  });
  const q = (p: number) => sequential.map((xs) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!);
  return {
    rows: [
      { item: 4, name: `widget: ${count} messages typed, stored and acked (one after another)`, unit: 'msg/s', direction: 'higher', samples: typed },
      { item: 4, name: 'relay alone: ack latency one at a time, p50', unit: 'ms', direction: 'lower', samples: q(50) },
      { item: 4, name: 'relay alone: ack latency one at a time, p95', unit: 'ms', direction: 'lower', samples: q(95) },
    ],
    distributions: [{ name: 'relay alone: ack latency one at a time, ms', samples: sequential.flat() }],
  };
}

async function oneAtATime(server: DemoServer, count: number, room: string): Promise<number[]> {
  const client = await RelayClient.connect(server.relayUrl, `seq-${room}`);
  client.send({ type: 'join', room });
  await client.next((f) => f.type === 'joined');
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${room}-${i}`;
    const t0 = performance.now();
    client.send({ type: 'msg', id, room, text: `one at a time ${i}`, ts: Date.now() });
    await client.next((f) => f.type === 'ack' && f.id === id);
    latencies.push(performance.now() - t0);
  }
  client.close();
  return latencies;
}
