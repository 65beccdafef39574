import type { Browser } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { benchContext, enginePage, type PageBench } from './page.ts';
import { relayAlone } from './relay-rate.ts';
import { repeat, type Row, type Section } from './results.ts';

/**
 * Item 4: `count` `send()` calls on the engine API as fast as it accepts them (all issued
 * without waiting), to the last ack (`status: sent` event), in msg/s. Beside it, in the
 * same repetition, the relay's own pipelined rate for the same count (relay-rate.ts), warm
 * (steady-rate.ts).
 */
export async function measureSendPath(server: DemoServer, browser: Browser, reps: number, count: number): Promise<Section> {
  const engine: number[] = [];
  const relay: number[] = [];
  const relayRate = relayAlone(server);
  await repeat(reps, async (rep) => {
    relay.push(await relayRate(count));
    const context = await benchContext(browser, server.url);
    try {
      const page = await enginePage(context, server.url, `send-${rep}-${Date.now()}`);
      const ms = await page.evaluate(
        async ({ url, count, rep }) => {
          const bench = (window as unknown as { bench: PageBench }).bench;
          const { conversation } = await bench.client.api.open({ protocol: 'websocket', url, user: `sender-${rep}`, options: { outboxLimit: count + 10 } }, `send-${rep}`);
          await new Promise<void>((joined) => {
            const off = bench.client.on((e) => e.type === 'joined' && e.conversation === conversation && (off(), joined()));
          });
          const t0 = performance.now();
          const calls = [];
          for (let i = 0; i < count; i++) calls.push(bench.client.api.send(conversation, `pipelined ${i}`));
          await Promise.all(calls);
          while ((bench.sent[conversation] ?? 0) < count) await new Promise((r) => setTimeout(r, 2));
          return performance.now() - t0;
        },
        { url: server.relayUrl, count, rep },
      );
      engine.push(count / (ms / 1000));
    } finally {
      await context.close();
    }
  });
  const rows: Row[] = [
    {
      item: 4,
      name: `send path: ${count} send() pipelined to last ack (JSON relay)`,
      unit: 'msg/s',
      direction: 'higher',
      samples: engine,
      baseline: { name: `relay alone, ${count} msgs pipelined from Node, warm, best of 3`, samples: relay },
      target: { kind: 'ratio', bound: 0.25, text: 'at least 25% of the relay\'s raw rate' },
    },
  ];
  return { rows };
}
