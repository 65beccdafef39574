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
  let lost = 0;
  await repeat(reps, async (rep) => {
    const room = `hop-${rep}-${Date.now()}`;
    const r = await rawHop(server, browser, `${room}-raw`, count);
    const p = await parleyHop(server, browser, room, count);
    raw.push(r.latencies);
    parley.push(p.latencies);
    lost += r.lost + p.lost;
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
    note: `p${q} per repetition; ${lost} of ${2 * reps * (count + 5)} round trips not seen within ${LOST_AFTER} ms (not timed)`,
  });
  return {
    rows: [row(50, 1), row(95, 3)],
    distributions: [
      { name: 'worker hop: Parley tab A → tab B, ms', samples: parley.flat() },
      { name: 'worker hop baseline: raw WebSocket pages, ms', samples: raw.flat() },
    ],
  };
}

/** How long A waits for B to report one message before counting it lost, in ms. */
const LOST_AFTER = 2_000;

/**
 * The loop that runs in tab A: send `count` texts one by one, each after B reported the
 * previous; a text B does not report within LOST_AFTER ms is counted lost, not timed.
 */
const loopInA = async (page: Page, channel: string, count: number): Promise<{ latencies: number[]; lost: number }> =>
  page.evaluate(
    async ({ channel, count, lostAfter }) => {
      const w = window as unknown as { hopSend: (text: string) => Promise<unknown> | void };
      const bc = new BroadcastChannel(channel);
      const latencies: number[] = [];
      let lost = 0;
      const warmup = 5;
      for (let i = 0; i < count + warmup; i++) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const seen = new Promise<number>((resolve) => {
          bc.onmessage = (e: MessageEvent<{ i: number; at: number }>) => e.data.i === i && resolve(e.data.at);
          timer = setTimeout(() => resolve(NaN), lostAfter);
        });
        const sentAt = performance.timeOrigin + performance.now();
        void w.hopSend(`hop ${i}`);
        const at = await seen;
        clearTimeout(timer);
        if (Number.isNaN(at)) lost += 1;
        else if (i >= warmup) latencies.push(at - sentAt);
      }
      bc.close();
      return { latencies, lost };
    },
    { channel, count, lostAfter: LOST_AFTER },
  );

async function rawHop(server: DemoServer, browser: Browser, room: string, count: number): Promise<{ latencies: number[]; lost: number }> {
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

async function parleyHop(server: DemoServer, browser: Browser, room: string, count: number): Promise<{ latencies: number[]; lost: number }> {
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
        // Lit may also rewrite the text of a node it keeps, so text changes count too.
        new MutationObserver((records) =>
          records.forEach((r) => (r.type === 'characterData' ? r.target.parentElement && seen(r.target.parentElement) : r.addedNodes.forEach(seen))),
        ).observe(chat.shadowRoot, { childList: true, subtree: true, characterData: true });
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
