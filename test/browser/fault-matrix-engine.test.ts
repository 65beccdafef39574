import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { texts as shown, uniqueName, waitFor, type Tab } from './tabs.ts';
import { faultProxy, numbered, openSide, settle, stored, typeAll, type FaultProxy } from './fault-matrix-driver.ts';
import { holdStore } from './fault-matrix-storage.ts';
import { cleanup, PROCESSES, runScenarios, scale, type Scenario } from './fault-matrix-scenarios.ts';

/**
 * The fault matrix's engine deaths (issue 12): the SharedWorker that runs the engine ends in the
 * middle of a burst, and in the window between a message arriving and it being stored. Closing
 * every tab is not enough to end it in Chromium, which keeps a SharedWorker alive after its last
 * tab (`extendedLifetime`, widget/engine-client/shared.ts) and, in these runs, for over a
 * minute; so the test closes the tabs and then ends the worker over the DevTools protocol
 * (test/support/fault-probe.ts), which makes this file Chromium-only (test/support/browsers.ts).
 * A proxy in front of the engine's server shows when its socket is gone.
 */
const { keep, keepProxy } = cleanup();

/** An engine option that keeps a connection long after its last tab, so only the engine's death closes it, ms. */
const LINGER = { idleGrace: 300_000 };

/** Ends the engine's worker and waits for its socket to close; says how it went, for the table. */
async function kill(engine: string, proxy: FaultProxy): Promise<string> {
  const how = (await executeServerCommand('fault-worker-kill', { match: engine })) as string | null;
  const started = performance.now();
  await waitFor(async () => (await proxy.stats()).open === 0, 30_000, 'the engine\'s socket to close', 100);
  return `${how ? `worker ended (${how})` : 'worker already gone'}; its socket closed ${Math.round(performance.now() - started)} ms later`;
}

/**
 * The new tab's widget has its conversation open on the new engine. The new engine's worker
 * takes the old one's DevTools target, so the test runner does not let it start by itself
 * (test/support/fault-probe.ts, resumeWorker).
 */
const attached = async (tab: Tab, engine: string) => {
  expect(await executeServerCommand('fault-worker-resume', { match: engine }), 'the new engine\'s worker').to.equal(true);
  return waitFor(() => tab.chat.session.conversation, 20_000, 'the new tab attached').catch((e: Error) => {
    throw new Error(`${e.message}; the widget says: ${tab.chat.shadowRoot?.textContent?.replace(/\s+/g, ' ').slice(0, 300)}`);
  });
};

const scenarios: Scenario[] = [
  {
    title: 'the engine dies mid-burst (every tab closed at once), then a new tab opens',
    transports: PROCESSES,
    timeout: () => 150_000,
    async run(fx) {
      const engine = uniqueName('dies');
      const proxy = keepProxy(await faultProxy(fx.url));
      const first = [keep(await openSide(fx, fx.ann, { engine, via: proxy.url, options: LINGER })), keep(await openSide(fx, fx.ann, { engine, via: proxy.url, options: LINGER }))];
      const bob = keep(await openSide(fx, fx.bob));
      const texts = numbered(`${fx.transport} before the engine died`, Math.round(scale.burst / 2));
      // Both tabs type, as a visitor with two tabs might; each text is accepted before the next.
      for (const [i, text] of texts.entries()) await typeAll(first[i % 2]!, [text]);
      // What was still on its way when the engine died (the last few are, on a fast link).
      const unacked = (await stored(first[0]!)).filter((m) => m.mine && (m.status === 'queued' || m.status === 'sending')).length;
      for (const tab of first) tab.close();
      const gone = await kill(engine, proxy);
      const ann = keep(await openSide(fx, fx.ann, { engine, via: proxy.url, options: LINGER }, false));
      const faultEnded = performance.now();
      await attached(ann, engine);
      await settle({
        scenario: 'engine dies mid-burst',
        fx,
        flows: [{ from: ann, to: bob, texts }],
        faultEnded,
        timeout: 90_000,
        note: `${unacked} not yet acknowledged at the death; ${gone}`,
      });
    },
  },
  {
    title: 'the engine dies between a message arriving and it being stored',
    transports: PROCESSES,
    timeout: () => 150_000,
    async run(fx) {
      const engine = uniqueName('receiver');
      const proxy = keepProxy(await faultProxy(fx.url));
      let bob = keep(await openSide(fx, fx.bob, { engine, via: proxy.url, options: LINGER }));
      const ann = keep(await openSide(fx, fx.ann));
      await typeAll(ann, [`${fx.transport} stored before`]);
      await waitFor(() => shown(bob.chat).includes(`${fx.transport} stored before`), 15_000, 'the first message stored at Bob');
      const bytesBefore = (await proxy.stats()).bytesToClients;
      // Bob's engine can receive but not store: its `messages` writes wait behind this transaction.
      const hold = await holdStore(`parley:${engine}`, 'messages');
      let held = true;
      try {
        const texts = numbered(`${fx.transport} arrived, not stored`, 5);
        await typeAll(ann, texts);
        // The window: the server has sent them down Bob's link (the texts alone are this many bytes)…
        const least = texts.join('').length;
        await waitFor(async () => (await proxy.stats()).bytesToClients - bytesBefore >= least, 30_000, 'the messages to reach Bob\'s engine', 100);
        // …and has stored none: the hold blocks every write to `messages`. (A relay message that
        // is new for certain may already show in the tab, from memory, before its batch commits:
        // docs/engine.md, "Batching". The server's cursor moves only after the commit.)
        bob.close();
        const gone = await kill(engine, proxy);
        hold.release();
        held = false;
        bob = keep(await openSide(fx, fx.bob, { engine, via: proxy.url, options: LINGER }, false));
        const faultEnded = performance.now();
        await attached(bob, engine);
        await settle({
          scenario: 'engine dies before storing',
          fx,
          flows: [{ from: ann, to: bob, texts: [`${fx.transport} stored before`, ...texts] }],
          faultEnded,
          timeout: 60_000,
          note: gone,
        });
      } finally {
        if (held) hold.release();
      }
    },
  },
];

runScenarios(scenarios);
