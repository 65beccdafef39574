import type { TestRunnerPlugin } from '@web/test-runner';
import type { CDPSession, Page, Target } from 'puppeteer-core';
import type { BrowserName } from './browsers.ts';

/**
 * Conditions a page cannot set itself, through the DevTools protocol (Chromium only; the test
 * files that use them are in CHROMIUM_ONLY, test/support/browsers.ts). Server commands:
 * - `network-offline {offline, engines}`: the network goes away or comes back for the
 *   SharedWorkers of the engines named (a worker's name is its engine's): new connections fail
 *   while it is away, and each gets the `offline` or `online` event; returns the names reached.
 *   Only the test's own engines: the workers of earlier files still run (Chromium keeps them for
 *   minutes after their last tab, docs/platform.md), and taking them all offline reached dozens of
 *   workers per call, each attached over DevTools, in the middle of their own reconnects. Not for
 *   the test page, which must keep talking to the test runner;
 * - `notification-permission {state}`: the site's notification permission, `granted` or
 *   `denied`, as if the visitor had answered the browser's prompt.
 */
export function browserConditions(browserName: BrowserName): TestRunnerPlugin {
  /** One DevTools session per target while the network is emulated offline: closing one ends its emulation. */
  const offline: CDPSession[] = [];
  return {
    name: 'parley-browser-conditions',
    async executeCommand({ command, payload, session }) {
      if (command !== 'network-offline' && command !== 'notification-permission') return undefined;
      if (browserName !== 'chromium') throw new Error(`${command} needs Chromium's DevTools protocol, and this run is ${browserName}: the files that use it are in CHROMIUM_ONLY (test/support/browsers.ts)`);
      const browser = session.browser as unknown as { type: string; getPage(id: string): Page };
      if (browser.type !== 'puppeteer') throw new Error(`${command} needs a puppeteer browser, not ${browser.type}`);
      const page = browser.getPage(session.id);
      if (command === 'notification-permission') {
        const { state } = payload as { state: 'granted' | 'denied' };
        await page.browserContext().overridePermissions(new URL(page.url()).origin, state === 'granted' ? ['notifications'] : []);
        return true;
      }
      const { offline: goOffline, engines } = payload as { offline: boolean; engines?: unknown };
      if (!Array.isArray(engines) || engines.length === 0 || !engines.every((e) => typeof e === 'string'))
        throw new Error('network-offline needs `engines`: the names of the engines whose SharedWorkers go offline or online');
      const names = new Set<string>(engines);
      await Promise.all(offline.splice(0).map(async (cdp) => {
        await bounded(cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }));
        void cdp.detach().catch(() => undefined);
      }));
      // A worker started a moment ago may not be listed or attachable yet, and on a loaded
      // machine one attach can outlast CDP_WAIT_MS (a CI run lost a test to that): look again.
      // Every call to a worker is bounded and the workers are reached side by side: a worker
      // that never answers must not hold the command past the runner's 20 s for it.
      const until = Date.now() + CONDITION_WAIT_MS;
      const reached = new Set<string>();
      for (;;) {
        // The named engines' SharedWorkers only, found by the worker's name, which is its target's
        // title (as fault-probe.ts finds them), so that nothing else is attached to.
        const workers = page.browser().targets().filter((t) => t.type() === 'shared_worker' && names.has(title(t)) && !reached.has(title(t)));
        await Promise.all(workers.map(async (target) => {
          if (await setNetwork(target, goOffline, offline)) reached.add(title(target));
        }));
        if (reached.size === names.size) return [...reached];
        if (Date.now() > until) {
          const missing = [...names].filter((n) => !reached.has(n));
          throw new Error(`network-offline could not reach the SharedWorker of ${missing.join(', ')} in ${CONDITION_WAIT_MS} ms`);
        }
        await new Promise((again) => setTimeout(again, 250));
      }
    },
  };
}

/**
 * Takes one worker's network away (or gives it back) and fires the event the worker would
 * hear; false if the worker could not be reached. A session that took the network away is
 * kept in `offline`: closing it would end the emulation.
 */
async function setNetwork(target: Target, goOffline: boolean, offline: CDPSession[]): Promise<boolean> {
  // A worker started a moment ago may not be attachable yet: the caller looks again.
  const cdp = await bounded(target.createCDPSession());
  if (!cdp) return false;
  if (goOffline) {
    // New connections fail from here on; the ones open stay, as when Wi-Fi drops quietly.
    const cut = await bounded(cdp.send('Network.enable').then(() => cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })));
    if (!cut) {
      void cdp.detach().catch(() => undefined);
      return false;
    }
    offline.push(cdp);
  }
  // Chromium's emulation does not fire the events a worker hears when the network goes or
  // comes back (HTML §8.1.7.1, "online and offline events"): fire the one the browser would.
  // A worker held for a debugger would never answer: it is not one of this test's engines.
  const fired = await bounded(cdp.send('Runtime.evaluate', { expression: `self.dispatchEvent(new Event('${goOffline ? 'offline' : 'online'}'))` }));
  if (!goOffline) void cdp.detach().catch(() => undefined);
  return fired !== undefined;
}

/** A SharedWorker target's title: the worker's name. puppeteer keeps TargetInfo private, hence the cast. */
const title = (t: Target): string => (t as unknown as { _getTargetInfo(): { title: string } })._getTargetInfo().title;

/**
 * How long network-offline looks for a worker it can reach, in ms: with a last round of
 * attaches (up to 3 × CDP_WAIT_MS), under the runner's 20 s for a command.
 */
const CONDITION_WAIT_MS = 8_000;

/** CDP_WAIT_MS: how long one DevTools call to a worker may take before the worker counts as gone. */
const CDP_WAIT_MS = 3_000;

/** The call's result, or undefined if it failed or took longer than CDP_WAIT_MS. */
function bounded<T>(call: Promise<T>): Promise<T | undefined> {
  return Promise.race([call.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(resolve, CDP_WAIT_MS))]);
}
