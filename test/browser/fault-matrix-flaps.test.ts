import { expect } from '@esm-bundle/chai';
import type { WorkerProbe } from '../support/fault-probe.ts';
import { sleep, stateText, uniqueName, waitFor, type Tab } from './tabs.ts';
import { faultProxy, fixture, numbered, openSide, probeWorker, settle, typeAll, type FaultProxy } from './fault-matrix-driver.ts';
import { cleanup, PROCESSES, scale } from './fault-matrix-scenarios.ts';

/**
 * The fault matrix's flapping link (issue 12): the network drops and comes back many times; the
 * engine must not keep anything per drop. Its heap, the listeners on its global scope, its live
 * WebSocket objects and its pending timers are read from the SharedWorker over the DevTools
 * protocol (test/support/fault-probe.ts), which makes this file Chromium-only
 * (test/support/browsers.ts). 20 cycles in `npm test`, 500 in `npm run test:soak`.
 */

const { keep, keepProxy } = cleanup();

/** Retries start at once and stay short, so a cycle takes a round trip, not a backoff; ms. */
const QUICK = { backoffBase: 50, backoffCap: 200 };

const kb = (bytes: number) => `${Math.round(bytes / 1024)}`;
const figures = (a: WorkerProbe, b: WorkerProbe) =>
  `heap ${kb(a.heapUsed)} → ${kb(b.heapUsed)} KB; listeners ${a.listeners} → ${b.listeners}; sockets ${a.sockets} → ${b.sockets}; timers ${a.timers} → ${b.timers}`;

/**
 * The figures once the link has been up a while: a health event waits up to 1 s (worker/health.ts)
 * and the timers of the moment after a reconnect are then settled, in ms.
 */
async function probe(engine: string): Promise<WorkerProbe> {
  await sleep(1_500);
  return probeWorker(engine);
}

async function flap(proxy: FaultProxy, tab: Tab): Promise<void> {
  await proxy.mode('refuse');
  await waitFor(() => stateText(tab.chat) !== 'Connected', 15_000, 'the drop noticed');
  await proxy.mode('forward');
  await waitFor(() => stateText(tab.chat) === 'Connected' && tab.chat.session.joined, 20_000, 'the link back');
}

describe('fault matrix: a flapping link', () => {
  for (const transport of PROCESSES) {
    it(`returns the engine to its baseline on ${transport}`, async function () {
      this.timeout(scale.soak ? 1_800_000 : 180_000);
      const fx = await fixture(transport);
      const engine = uniqueName('flaps');
      const proxy = keepProxy(await faultProxy(fx.url));
      const ann = keep(await openSide(fx, fx.ann, { engine, via: proxy.url, options: QUICK }));
      const bob = keep(await openSide(fx, fx.bob));
      await probeWorker(engine);
      // Two cycles first, so that what is made once per engine (a transport's chunk, caches) is in the baseline.
      for (let i = 0; i < 2; i++) await flap(proxy, ann);
      const before = await probe(engine);
      const started = performance.now();
      const texts = numbered(`${transport} between flaps`, 10);
      const every = Math.max(1, Math.floor(scale.flaps / texts.length));
      let half: WorkerProbe | undefined;
      for (let i = 0; i < scale.flaps; i++) {
        if (i === Math.floor(scale.flaps / 2)) half = await probe(engine);
        await flap(proxy, ann);
        if (i % every === 0 && i / every < texts.length) await typeAll(ann, [texts[i / every]!]);
      }
      const sent = texts.slice(0, Math.ceil(scale.flaps / every));
      const perCycle = (performance.now() - started) / scale.flaps;
      const after = await probe(engine);
      await settle({
        scenario: `${scale.flaps} flaps`,
        fx,
        flows: [{ from: ann, to: bob, texts: sent }],
        faultEnded: performance.now(),
        note: `${figures(before, after)} (${kb(half!.heapUsed)} KB half way); ${Math.round(perCycle)} ms a cycle`,
      });
      expect(after.sockets, 'live WebSocket objects').to.be.at.most(before.sockets);
      expect(after.listeners, 'listeners on the worker').to.be.at.most(before.listeners);
      expect(after.timers, 'pending timers').to.be.at.most(before.timers);
      // The heap grows over the first cycles (compiled code, the health figures' bounded
      // history) and then levels off; a leak grows every cycle, so the second half shows it.
      expect(after.heapUsed - half!.heapUsed, `heap growth over the last ${scale.flaps - Math.floor(scale.flaps / 2)} cycles, bytes`).to.be.below(256 * 1024);
    });
  }
});
