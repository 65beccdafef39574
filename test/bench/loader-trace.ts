import type { Browser, Page } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { benchContext, blankPage } from './page.ts';
import { repeat, type Section } from './results.ts';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string }; name?: string };
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing'];

/**
 * Item 9: the script-tag loader's cost on the host page, from a Chromium performance trace:
 * from the start of dist/loader.js's evaluation to the first paint after its launcher is in
 * the page (a `performance.mark` when it appears), the main thread's busy time (top-level
 * tasks, clipped to that window), the wall time, and the long tasks (over 50 ms) in it.
 * The loader loads the UI on interaction (its default), so the UI is not in this window.
 */
export async function measureLoader(server: DemoServer, browser: Browser, reps: number): Promise<Section> {
  const busy: number[] = [];
  const wall: number[] = [];
  const long: number[] = [];
  const widgetLong: number[] = [];
  const widgetLongest: number[] = [];
  await repeat(reps, async () => {
    const context = await benchContext(browser, server.url);
    try {
      const t = await traceOnce(browser, await blankPage(context, server.url), server.relayUrl);
      busy.push(t.busy);
      wall.push(t.wall);
      long.push(t.long);
    } finally {
      await context.close();
    }
    const idle = await benchContext(browser, server.url);
    try {
      const t = await traceWidgetStart(browser, await blankPage(idle, server.url), server.relayUrl);
      widgetLong.push(t.long);
      widgetLongest.push(t.longest);
    } finally {
      await idle.close();
    }
  });
  return {
    rows: [
      { item: 9, name: 'loader: main-thread busy, script start to launcher painted', unit: 'ms', direction: 'lower', samples: busy },
      { item: 9, name: 'loader: wall time, script start to launcher painted', unit: 'ms', direction: 'lower', samples: wall },
      { item: 9, name: 'loader: long tasks (> 50 ms) in that window', unit: 'tasks', direction: 'lower', samples: long },
      { item: 9, name: 'widget start (data-load=idle): long tasks, launcher drawn to the list drawn', unit: 'tasks', direction: 'lower', samples: widgetLong, note: 'the UI and engine loading when the page is idle, as for a returning visitor' },
      { item: 9, name: 'widget start (data-load=idle): longest main-thread task then', unit: 'ms', direction: 'lower', samples: widgetLongest },
    ],
  };
}

/**
 * The UI's own start on the loader's page: the loader told to load it when the page is idle
 * (`data-load="idle"`, what a returning visitor gets), traced from the launcher drawn (parley.js
 * not loaded yet) until the chat's list (an empty room) is drawn. What the host page notices of it: the long
 * tasks, and the longest task.
 */
async function traceWidgetStart(browser: Browser, page: Page, relayUrl: string): Promise<{ long: number; longest: number }> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await page.evaluate(async (server) => {
    const script = document.createElement('script');
    Object.assign(script.dataset, { server, protocol: 'websocket', room: `widget-start-${Date.now()}`, engine: `widget-start-${Date.now()}`, load: 'idle' });
    script.async = true;
    script.src = '/loader.js';
    document.body.append(script);
    while (!document.querySelector('[data-parley]')?.shadowRoot?.querySelector('button')) await new Promise((r) => setTimeout(r, 1));
    performance.mark('parley-launcher-in-dom');
    const listed = () => document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat')?.shadowRoot?.querySelector('.log');
    while (!listed()) await new Promise((r) => setTimeout(r, 5));
    performance.mark('parley-list-drawn');
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  }, relayUrl);
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const start = events.find((e) => e.name === 'parley-launcher-in-dom');
  const end = events.find((e) => e.name === 'parley-list-drawn');
  if (!start || !end) throw new Error('The trace has no mark of the launcher drawn, or of the list drawn.');
  const tasks = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.name === 'RunTask' && e.ph === 'X' && e.ts > start.ts && e.ts < end.ts);
  const durations = tasks.map((e) => (e.dur ?? 0) / 1000);
  return { long: durations.filter((d) => d > 50).length, longest: Math.max(0, ...durations) };
}

async function traceOnce(browser: Browser, page: Page, relayUrl: string): Promise<{ busy: number; wall: number; long: number }> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await page.evaluate(async (server) => {
    const script = document.createElement('script');
    Object.assign(script.dataset, { server, protocol: 'websocket', room: 'loader-bench', engine: `loader-${Date.now()}` });
    script.async = true;
    script.src = '/loader.js';
    document.body.append(script);
    while (!document.querySelector('[data-parley]')?.shadowRoot?.querySelector('button')) await new Promise((r) => setTimeout(r, 1));
    performance.mark('parley-launcher-in-dom');
    // Two frames: the one that paints the launcher has certainly happened after the second starts.
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  }, relayUrl);
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const evaluate = events.find((e) => e.name === 'EvaluateScript' && e.args?.data?.url?.endsWith('/loader.js'));
  const mark = events.find((e) => e.name === 'parley-launcher-in-dom');
  if (!evaluate || !mark) throw new Error('The trace has no evaluation of loader.js, or no launcher mark.');
  const main = (e: TraceEvent) => e.pid === evaluate.pid && e.tid === evaluate.tid;
  const paint = events.filter((e) => main(e) && e.name === 'Paint' && e.ts >= mark.ts).sort((a, b) => a.ts - b.ts)[0];
  const start = evaluate.ts;
  const end = paint ? paint.ts + (paint.dur ?? 0) : mark.ts;
  const tasks = events.filter((e) => main(e) && e.name === 'RunTask' && e.ph === 'X' && e.ts + (e.dur ?? 0) > start && e.ts < end);
  const clipped = tasks.map((e) => Math.min(end, e.ts + (e.dur ?? 0)) - Math.max(start, e.ts));
  // Trace times are in µs.
  return { busy: clipped.reduce((a, b) => a + b, 0) / 1000, wall: (end - start) / 1000, long: tasks.filter((e) => (e.dur ?? 0) > 50_000).length };
}
