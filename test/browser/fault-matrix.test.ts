import { expect } from '@esm-bundle/chai';
import type { FaultScale } from '../support/fault-scale.ts';
import { reloadTab, sendNow, sleep, stateText, texts as shown, uniqueName, waitFor, type Tab } from './tabs.ts';
import {
  faultProxy,
  faultScale,
  fixture,
  numbered,
  openSide,
  record,
  settle,
  stored,
  typeAll,
  type FaultProxy,
  type Fixture,
  type TransportName,
} from './fault-matrix-driver.ts';
import { holdStore } from './fault-matrix-storage.ts';

/**
 * The fault matrix (issue 12): each scenario on each transport, against the real servers, with
 * the engine in its SharedWorker on real timers. Each test ends with the driver's three checks
 * (every message once, in the server's order; the outbox empty; every message sent or better)
 * and records a row of the summary table printed when the run ends. Sizes are short in
 * `npm test` and full in `npm run test:soak` (test/support/fault-scale.ts). The flapping link
 * is fault-matrix-flaps.test.ts, the hidden tab test/e2e/fault-hidden.test.ts, a full disk
 * storage-faults.test.ts.
 */

let scale: FaultScale;
before(async () => (scale = await faultScale()));

/** What a test opened, closed after it whatever happened; a killed server is brought back. */
const tabs: Tab[] = [];
const proxies: FaultProxy[] = [];
let down: Fixture | undefined;
afterEach(async () => {
  for (const tab of tabs.splice(0)) tab.close();
  for (const proxy of proxies.splice(0)) await proxy.stop();
  if (down) await down.start();
  down = undefined;
});
const keep = (t: Tab) => (tabs.push(t), t);
const keepProxy = (p: FaultProxy) => (proxies.push(p), p);

/** Resolves once the proxy has no open connection: the engine that held it is gone. */
async function engineGone(proxy: FaultProxy): Promise<number> {
  const started = performance.now();
  await waitFor(async () => (await proxy.stats()).open === 0, 60_000, 'the old engine to close its socket (die)', 100);
  return performance.now() - started;
}

/** An engine option that keeps a connection long after its last tab, so only the engine's death closes it, ms. */
const LINGER = { idleGrace: 300_000 };

interface Scenario {
  title: string;
  /** aedes only where it differs from Mosquitto: it is in memory, so its "kill" keeps its sessions. */
  transports: TransportName[];
  timeout: (s: FaultScale) => number;
  run(fx: Fixture): Promise<void>;
}

const ALL: TransportName[] = ['relay', 'mosquitto', 'aedes', 'prosody'];
const PROCESSES: TransportName[] = ['relay', 'mosquitto', 'prosody'];

const scenarios: Scenario[] = [
  {
    title: 'the server is killed and restarted during a burst',
    transports: ALL,
    timeout: (s) => (s.soak ? 600_000 : 150_000),
    async run(fx) {
      const ann = keep(await openSide(fx, fx.ann));
      const bob = keep(await openSide(fx, fx.bob));
      const walk: string[] = [];
      ann.chat.addEventListener('parley-state', (e) => walk.push(e.detail.change.to));
      const texts = numbered(`${fx.transport} burst`, scale.burst);
      let dying: Promise<void> | undefined;
      let back: Promise<number> | undefined;
      await typeAll(ann, texts, async (i) => {
        if (i === Math.floor(texts.length * 0.3)) {
          down = fx;
          dying = fx.kill();
        }
        if (i === Math.floor(texts.length * 0.6)) {
          await dying;
          back = fx.start().then(() => ((down = undefined), performance.now()));
        }
      });
      const faultEnded = await back!;
      expect(walk, 'the sender noticed the server go').to.include('reconnecting');
      await settle({ scenario: `server killed mid-burst (${scale.burst})`, fx, flows: [{ from: ann, to: bob, texts }], faultEnded, timeout: 120_000 });
    },
  },
  {
    title: 'the network is down while both sides send',
    transports: PROCESSES,
    timeout: (s) => s.downMs + 90_000,
    async run(fx) {
      const proxy = keepProxy(await faultProxy(fx.url));
      const ann = keep(await openSide(fx, fx.ann, { via: proxy.url }));
      const bob = keep(await openSide(fx, fx.bob));
      await proxy.mode('refuse');
      const cut = performance.now();
      await waitFor(() => stateText(ann.chat) !== 'Connected', 15_000, 'Ann to lose the link');
      const fromAnn = numbered(`${fx.transport} Ann offline`, 10);
      const fromBob = numbered(`${fx.transport} Bob online`, 10);
      for (let i = 0; i < 10; i++) {
        await typeAll(ann, [fromAnn[i]!]);
        await typeAll(bob, [fromBob[i]!]);
      }
      await sleep(scale.downMs - (performance.now() - cut));
      await proxy.mode('forward');
      const flows = [
        { from: ann, to: bob, texts: fromAnn },
        { from: bob, to: ann, texts: fromBob },
      ];
      await settle({ scenario: `network down ${scale.downMs / 1000} s`, fx, flows, faultEnded: performance.now() });
    },
  },
  {
    title: 'a half-open link is noticed within heartbeat interval + timeout and recovers',
    transports: PROCESSES,
    timeout: () => 90_000,
    async run(fx) {
      const beat = { heartbeatInterval: 1_000, heartbeatTimeout: 2_000, backoffBase: 100, backoffCap: 500 };
      const bound = beat.heartbeatInterval + beat.heartbeatTimeout;
      const proxy = keepProxy(await faultProxy(fx.url));
      const ann = keep(await openSide(fx, fx.ann, { via: proxy.url, options: beat }));
      const bob = keep(await openSide(fx, fx.bob));
      await proxy.mode('blackhole');
      const cut = performance.now();
      const texts = numbered(`${fx.transport} into the void`, 5);
      const [noticed] = await Promise.all([
        waitFor(() => stateText(ann.chat) !== 'Connected' && performance.now() - cut, bound + 10_000, 'the dead link noticed'),
        typeAll(ann, texts),
      ]);
      await proxy.mode('forward');
      const faultEnded = performance.now();
      await settle({
        scenario: 'half-open link',
        fx,
        flows: [{ from: ann, to: bob, texts }],
        faultEnded,
        note: `noticed after ${(noticed / 1000).toFixed(1)} s (interval + timeout ${bound / 1000} s)`,
      });
      // The engine's clock starts at the last frame it heard, a little before the cut: 1 s of slack.
      expect(noticed, 'ms to notice').to.be.below(bound + 1_000);
    },
  },
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
      for (const tab of first) tab.close();
      const gone = await engineGone(proxy);
      const ann = keep(await openSide(fx, fx.ann, { engine, via: proxy.url, options: LINGER }, false));
      const faultEnded = performance.now();
      await waitFor(() => ann.chat.session.conversation, 15_000, 'the new tab attached');
      await settle({
        scenario: 'engine dies mid-burst',
        fx,
        flows: [{ from: ann, to: bob, texts }],
        faultEnded,
        timeout: 90_000,
        note: `old engine gone ${(gone / 1000).toFixed(1)} s after its tabs closed`,
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
        await sleep(500);
        // …and has stored none, so its tab shows none.
        expect(shown(bob.chat).filter((t) => texts.includes(t))).to.deep.equal([]);
        bob.close();
        const gone = await engineGone(proxy);
        hold.release();
        held = false;
        bob = keep(await openSide(fx, fx.bob, { engine, via: proxy.url, options: LINGER }, false));
        const faultEnded = performance.now();
        await waitFor(() => bob.chat.session.conversation, 15_000, 'the new tab attached');
        await settle({
          scenario: 'engine dies before storing',
          fx,
          flows: [{ from: ann, to: bob, texts: [`${fx.transport} stored before`, ...texts] }],
          faultEnded,
          timeout: 60_000,
          note: `engine gone ${(gone / 1000).toFixed(1)} s after its tab closed`,
        });
      } finally {
        if (held) hold.release();
      }
    },
  },
  {
    title: 'the tab reloads at random moments during a send',
    transports: PROCESSES,
    timeout: (s) => (s.soak ? 600_000 : 120_000),
    async run(fx) {
      let ann = keep(await openSide(fx, fx.ann));
      const bob = keep(await openSide(fx, fx.bob));
      const texts = numbered(`${fx.transport} reload burst`, scale.reloadBurst);
      const at = new Set<number>();
      while (at.size < scale.reloads) at.add(1 + Math.floor(Math.random() * (texts.length - 1)));
      const accepted: string[] = [];
      const maybe: string[] = [];
      for (const [i, text] of texts.entries()) {
        if (at.has(i)) {
          // Sent and reloaded at once: the engine may or may not have taken it.
          const last = `${fx.transport} sent as the page unloads ${i}`;
          maybe.push(last);
          sendNow(ann.chat, last);
          const frame = ann.frame;
          ann = await reloadTab(ann);
          tabs.splice(tabs.indexOf(tabs.find((t) => t.frame === frame)!), 1, ann);
          await waitFor(() => ann.chat.session.conversation, 15_000, 'the reloaded widget attached');
        }
        await typeAll(ann, [text]);
        accepted.push(text);
      }
      const faultEnded = performance.now();
      // A message sent as the page unloaded counts if the engine stored it (it showed as queued).
      const own = new Set((await stored(ann)).filter((m) => m.mine).map((m) => m.text));
      const took = maybe.filter((t) => own.has(t));
      const sent = [...accepted, ...took].sort((a, b) => texts.concat(maybe).indexOf(a) - texts.concat(maybe).indexOf(b));
      await settle({
        scenario: `${scale.reloads} reloads in ${scale.reloadBurst} sends`,
        fx,
        flows: [{ from: ann, to: bob, texts: sent }],
        faultEnded,
        note: `${took.length} of ${maybe.length} sent at unload were taken`,
      });
    },
  },
  {
    title: 'a refused password fails once and does not retry',
    transports: ALL,
    timeout: (s) => s.authWindowMs + 60_000,
    async run(fx) {
      const { url, party } = await fx.badAuth();
      const proxy = keepProxy(await faultProxy(url));
      const tab = keep(await openSide(fx, party, { via: proxy.url }, false));
      await waitFor(() => stateText(tab.chat).startsWith("Can't connect"), 20_000, 'the failed state');
      await sleep(scale.authWindowMs);
      const { accepted } = await proxy.stats();
      await record({
        scenario: `bad credentials, ${scale.authWindowMs / 1000} s`,
        transport: fx.transport,
        sent: 0,
        received: 0,
        lost: 0,
        duplicated: 0,
        note: `${accepted} connection attempt(s) at the server; "${stateText(tab.chat)}"`,
      });
      expect(accepted, 'connection attempts').to.equal(1);
      expect(stateText(tab.chat)).to.match(/^Can't connect/);
    },
  },
];

for (const scenario of scenarios) {
  describe(`fault matrix: ${scenario.title}`, () => {
    for (const transport of scenario.transports) {
      it(`on ${transport}`, async function () {
        this.timeout(scenario.timeout(scale));
        await scenario.run(await fixture(transport));
      });
    }
  });
}
