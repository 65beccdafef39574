import type { Browser, CDPSession, Target } from 'puppeteer-core';

/**
 * The engine's footprint, read from its SharedWorker over the DevTools protocol (Chromium), for
 * the flapping-link scenario: a leak of sockets, listeners or timers grows with every cycle.
 */
export interface WorkerProbe {
  /** V8 heap in use after a forced garbage collection, bytes. */
  heapUsed: number;
  /**
   * Event listeners added since the first probe and still registered on a live target (the
   * first probe wraps EventTarget's methods: the protocol's listener query does not run in
   * workers). `once` listeners are left out: they remove themselves unseen.
   */
  listeners: number;
  /** WebSocket objects still alive after that collection (open or not). */
  sockets: number;
  /**
   * Timers pending now, of those created since the first probe (which wraps the worker's timer
   * functions: there is no protocol call that lists a worker's timers).
   */
  timers: number;
}

/** Counts live timers and listeners from the moment it runs; idempotent. Returns the timers. */
const WRAP = `(() => {
  if (!self.__faultListeners) {
    const live = new Set();
    const proto = EventTarget.prototype;
    const [add, remove] = [proto.addEventListener, proto.removeEventListener];
    const capture = (o) => (typeof o === 'boolean' ? o : !!o?.capture);
    proto.addEventListener = function (type, listener, options) {
      if (listener && !(typeof options === 'object' && options?.once))
        live.add({ target: new WeakRef(this), listener: new WeakRef(listener), type, capture: capture(options) });
      return add.call(this, type, listener, options);
    };
    proto.removeEventListener = function (type, listener, options) {
      for (const e of live)
        if (e.target.deref() === this && e.listener.deref() === listener && e.type === type && e.capture === capture(options)) live.delete(e);
      return remove.call(this, type, listener, options);
    };
    self.__faultListeners = () => {
      for (const e of live) if (!e.target.deref() || !e.listener.deref()) live.delete(e);
      return live.size;
    };
  }
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

/**
 * A SharedWorker's target carries the worker's name as its title (CDP TargetInfo). Matching on
 * it, rather than attaching to each worker to ask its name, leaves alone the other tests'
 * workers, which may be closing: attaching to one of those took the test page's renderer down.
 * puppeteer keeps TargetInfo private (`_getTargetInfo`), hence the cast.
 */
async function find(browser: Browser, name: string): Promise<{ cdp: CDPSession; target: Target }> {
  const info = (t: Target) => (t as unknown as { _getTargetInfo(): { title: string } })._getTargetInfo();
  const target = browser.targets().find((t) => t.type() === 'shared_worker' && info(t).title === name);
  if (!target) throw new Error(`no SharedWorker named "${name}"`);
  return { cdp: await target.createCDPSession(), target };
}

const session = async (browser: Browser, name: string) => (await find(browser, name)).cdp;

export async function probeWorker(browser: Browser, name: string): Promise<WorkerProbe> {
  const cdp = await session(browser, name);
  try {
    const timers = await value<number>(cdp, WRAP);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    // After the collection, so that the targets and listeners it freed no longer count.
    const listeners = await value<number>(cdp, 'self.__faultListeners()');
    const proto = await cdp.send('Runtime.evaluate', { expression: 'WebSocket.prototype' });
    const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId! });
    const count = await cdp.send('Runtime.callFunctionOn', { objectId: found.objects.objectId!, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
    return { heapUsed: usedSize, listeners, sockets: count.result.value as number, timers };
  } finally {
    await cdp.detach();
  }
}

/**
 * Ends the SharedWorker named `name` as a crash would end it for the page: the browser
 * terminates it (CDP Target.closeTarget), so a store in flight never completes. Returns how, or
 * undefined if no such worker runs.
 */
export async function killWorker(browser: Browser, name: string): Promise<string | undefined> {
  const found = await find(browser, name).catch(() => undefined);
  if (!found) return undefined;
  const id = (found.target as unknown as { _targetId: string })._targetId;
  const root = await browser.target().createCDPSession();
  try {
    const alive = async () => (await root.send('Target.getTargets')).targetInfos.some((t) => t.targetId === id);
    const gone = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (!(await alive())) return true;
      return false;
    };
    // The browser ends the worker (its host, so the name is free for the next tab at once); a
    // worker's own close() left Chromium matching a new tab to the closing worker now and then.
    await found.cdp.detach().catch(() => undefined);
    await root.send('Target.closeTarget', { targetId: id });
    if (await gone(10_000)) return 'Target.closeTarget';
    throw new Error(`the SharedWorker "${name}" still runs 10 s after Target.closeTarget`);
  } finally {
    await root.detach();
  }
}

/**
 * Lets a SharedWorker named `name` run if it waits for a debugger. The test runner's puppeteer
 * asks Chromium to hold every new worker until it is told to run; a worker started again under
 * the name of one that was ended reuses the old DevTools target, which puppeteer does not see
 * as new, so nobody tells it to run. Polls for up to `ms`; returns whether it found the worker.
 */
export async function resumeWorker(browser: Browser, name: string, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const found = await find(browser, name).catch(() => undefined);
    if (!found) continue;
    await found.cdp.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    await found.cdp.detach().catch(() => undefined);
    return true;
  }
  return false;
}
