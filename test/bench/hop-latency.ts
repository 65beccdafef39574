import type { Browser, Page } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { benchContext, blankPage, enginePage, type PageBench } from './page.ts';
import { percentile, repeat, type Section } from './results.ts';

/**
 * Item 3: one message at a time, from `send()` in tab A to its text in tab B's DOM, over the
 * relay. Parley: A calls the engine API, B shows a <parley-chat> (another user, another
 * engine: two visitors). Baseline: two pages that each hold a raw WebSocket to the same relay,
 * B appending each text to its DOM. "Rendered" is the MutationObserver callback (or the append)
 * that sees the text, in both. B tells A through a BroadcastChannel to send the next one;
 * that signal is outside the measured time. Same-profile pages, different engine names.
 */
export async function measureHop(server: DemoServer, browser: Browser, reps: number, count: number): Promise<Section> {
  const parley: number[][] = [];
  const raw: number[][] = [];
  await repeat(reps, async (rep) => {
    const room = `hop-${rep}-${Date.now()}`;
    raw.push(await rawHop(server, browser, `${room}-raw`, count));
    parley.push(await parleyHop(server, browser, room, count));
  });
  const p = (xs: number[][], q: number) => xs.map((x) => percentile(x, q));
  const row = (q: 50 | 95, bound: number) => ({
    item: 3,
    name: `worker hop: send() in tab A to rendered in tab B, p${q} of ${count}`,
    unit: 'ms',
    direction: 'lower' as const,
    samples: p(parley, q),
    baseline: { name: `two raw WebSocket pages, p${q}`, samples: p(raw, q) },
    target: { kind: 'difference' as const, bound, text: `within ${bound} ms of raw at p${q}` },
  });
  return {
    rows: [row(50, 1), row(95, 3)],
    distributions: [
      { name: 'worker hop: Parley tab A → tab B, ms', samples: parley.flat() },
      { name: 'worker hop baseline: raw WebSocket pages, ms', samples: raw.flat() },
    ],
  };
}

/** The loop that runs in tab A: send `count` texts one by one, each after B reported the previous. */
const loopInA = async (page: Page, channel: string, count: number): Promise<number[]> =>
  page.evaluate(
    async ({ channel, count }) => {
      const w = window as unknown as { hopSend: (text: string) => Promise<unknown> | void };
      const bc = new BroadcastChannel(channel);
      const sentAt: number[] = [];
      const latencies: number[] = [];
      const warmup = 5;
      for (let i = 0; i < count + warmup; i++) {
        const seen = new Promise<number>((resolve) => (bc.onmessage = (e: MessageEvent<{ i: number; at: number }>) => e.data.i === i && resolve(e.data.at)));
        sentAt[i] = performance.timeOrigin + performance.now();
        void w.hopSend(`hop ${i}`);
        const at = await seen;
        if (i >= warmup) latencies.push(at - sentAt[i]!);
      }
      bc.close();
      return latencies;
    },
    { channel, count },
  );

async function rawHop(server: DemoServer, browser: Browser, room: string, count: number): Promise<number[]> {
  const context = await benchContext(browser, server.url);
  try {
    const [a, b] = [await blankPage(context, server.url), await blankPage(context, server.url)];
    const connect = (page: Page, user: string, render: boolean) =>
      page.evaluate(
        async ({ url, user, room, render, channel }) => {
          const ws = new WebSocket(url);
          const bc = new BroadcastChannel(channel);
          const log = document.body.appendChild(document.createElement('div'));
          await new Promise((open) => (ws.onopen = open));
          ws.send(JSON.stringify({ type: 'hello', v: 1, user }));
          await new Promise<void>((joined) => {
            ws.onmessage = (e) => {
              const frame = JSON.parse(e.data as string) as { type: string; text?: string };
              if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'join', room }));
              if (frame.type === 'joined') joined();
              if (frame.type === 'msg' && render && frame.text?.startsWith('hop ')) {
                log.appendChild(document.createElement('p')).textContent = frame.text;
                bc.postMessage({ i: Number(frame.text.slice(4)), at: performance.timeOrigin + performance.now() });
              }
            };
          });
          (window as unknown as { hopSend: (text: string) => void }).hopSend = (text) =>
            ws.send(JSON.stringify({ type: 'msg', id: crypto.randomUUID(), room, text, ts: Date.now() }));
        },
        { url: server.relayUrl, user, room, render, channel: room },
      );
    await connect(b, 'raw-bob', true);
    await connect(a, 'raw-ann', false);
    return await loopInA(a, room, count);
  } finally {
    await context.close();
  }
}

async function parleyHop(server: DemoServer, browser: Browser, room: string, count: number): Promise<number[]> {
  const context = await benchContext(browser, server.url);
  try {
    const b = await blankPage(context, server.url);
    await b.evaluate(
      async ({ url, room, engine }) => {
        await import('/parley.js' as string);
        const chat = document.createElement('parley-chat');
        Object.assign(chat, { protocol: 'websocket', server: url, room, user: 'bob', engine });
        document.body.append(chat);
        const bc = new BroadcastChannel(room);
        const seen = (node: Node) => {
          if (!(node instanceof Element)) return;
          const text = node.matches('.text') ? node : node.querySelector('.text');
          if (text?.textContent?.startsWith('hop ')) bc.postMessage({ i: Number(text.textContent.slice(4)), at: performance.timeOrigin + performance.now() });
        };
        while (chat.shadowRoot?.querySelector('.state-text')?.textContent !== 'Connected') await new Promise((r) => setTimeout(r, 20));
        new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(seen))).observe(chat.shadowRoot, { childList: true, subtree: true });
      },
      { url: server.relayUrl, room, engine: `hop-b-${room}` },
    );
    const a = await enginePage(context, server.url, `hop-a-${room}`);
    await a.evaluate(
      async ({ url, room }) => {
        const bench = (window as unknown as { bench: PageBench }).bench;
        const { conversation } = await bench.client.api.open({ protocol: 'websocket', url, user: 'ann' }, room);
        await new Promise<void>((joined) => {
          const off = bench.client.on((e) => e.type === 'joined' && e.conversation === conversation && (off(), joined()));
        });
        (window as unknown as { hopSend: (text: string) => Promise<unknown> }).hopSend = (text) => bench.client.api.send(conversation, text);
      },
      { url: server.relayUrl, room },
    );
    return await loopInA(a, room, count);
  } finally {
    await context.close();
  }
}
