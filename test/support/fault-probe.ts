import type { Browser, CDPSession } from 'puppeteer-core';

/**
 * The engine's footprint, read from its SharedWorker over the DevTools protocol (Chromium), for
 * the flapping-link scenario: a leak of sockets, listeners or timers grows with every cycle.
 */
export interface WorkerProbe {
  /** V8 heap in use after a forced garbage collection, bytes. */
  heapUsed: number;
  /** Event listeners on the worker's global scope. */
  listeners: number;
  /** WebSocket objects still alive after that collection (open or not). */
  sockets: number;
  /**
   * Timers pending now, of those created since the first probe (which wraps the worker's timer
   * functions: there is no protocol call that lists a worker's timers).
   */
  timers: number;
}

/** Counts live timers from the moment it runs; idempotent. */
const WRAP_TIMERS = `(() => {
  if (!self.__faultTimers) {
    const live = new Set();
    const [st, ct, si, ci] = [self.setTimeout, self.clearTimeout, self.setInterval, self.clearInterval];
    self.setTimeout = (f, ms, ...a) => { const id = st((...x) => { live.delete(id); if (typeof f === 'function') f(...x); }, ms, ...a); live.add(id); return id; };
    self.clearTimeout = (id) => { live.delete(id); ct(id); };
    self.setInterval = (f, ms, ...a) => { const id = si(f, ms, ...a); live.add(id); return id; };
    self.clearInterval = (id) => { live.delete(id); ci(id); };
    self.__faultTimers = live;
  }
  return self.__faultTimers.size;
})()`;

async function value<T>(cdp: CDPSession, expression: string): Promise<T> {
  const r = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`worker probe: ${r.exceptionDetails.text} in ${expression.slice(0, 60)}`);
  return r.result.value as T;
}

async function session(browser: Browser, name: string): Promise<CDPSession> {
  for (const target of browser.targets()) {
    if (target.type() !== 'shared_worker') continue;
    const cdp = await target.createCDPSession();
    if ((await value<string>(cdp, 'self.name')) === name) return cdp;
    await cdp.detach();
  }
  throw new Error(`no SharedWorker named "${name}"`);
}

export async function probeWorker(browser: Browser, name: string): Promise<WorkerProbe> {
  const cdp = await session(browser, name);
  try {
    const timers = await value<number>(cdp, WRAP_TIMERS);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const global = await cdp.send('Runtime.evaluate', { expression: 'self' });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: global.result.objectId! });
    const proto = await cdp.send('Runtime.evaluate', { expression: 'WebSocket.prototype' });
    const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId! });
    const count = await cdp.send('Runtime.callFunctionOn', { objectId: found.objects.objectId!, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
    return { heapUsed: usedSize, listeners: listeners.length, sockets: count.result.value as number, timers };
  } finally {
    await cdp.detach();
  }
}

/**
 * Ends the SharedWorker named `name` as a crash would end it for the page: `close()` on its
 * global scope discards its queued tasks, so a store in flight never completes (HTML, "close a
 * worker"). Returns false if no such worker runs.
 */
export async function killWorker(browser: Browser, name: string): Promise<boolean> {
  const cdp = await session(browser, name).catch(() => undefined);
  if (!cdp) return false;
  await cdp.send('Runtime.evaluate', { expression: 'self.close()' }).catch(() => undefined);
  await cdp.detach().catch(() => undefined);
  return true;
}
