import type { TestRunnerPlugin } from '@web/test-runner';
import type { CDPSession, Page } from 'puppeteer-core';
import type { BrowserName } from './browsers.ts';

/**
 * Conditions a page cannot set itself, through the DevTools protocol (Chromium only; the test
 * files that use them are in CHROMIUM_ONLY, test/support/browsers.ts). Server commands:
 * - `network-offline {offline}`: the network goes away or comes back for every worker, the
 *   SharedWorker engine among them: new connections fail while it is away, and each worker
 *   gets the `offline` or `online` event; returns the workers' target types. Not for the test
 *   page, which must keep talking to the test runner;
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
      const { offline: goOffline } = payload as { offline: boolean };
      // The engine's SharedWorkers only: the test page itself talks to the test runner, which must stay reachable.
      const workers = page.browser().targets().filter((t) => t.type() === 'shared_worker');
      // Every call to a worker is bounded and the workers are reached side by side: a worker of
      // an earlier file that is ending may never answer, and the runner gives the whole command
      // 20 s (a CI run lost the test to one such wait).
      await Promise.all(offline.splice(0).map(async (cdp) => {
        await bounded(cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }));
        void cdp.detach().catch(() => undefined);
      }));
      const reached = await Promise.all(workers.map(async (target) => {
        // A worker of an earlier file may be ending, or ended over CDP (the fault matrix ends
        // engines with Target.closeTarget): attaching to it fails, and it has no link to cut.
        const cdp = await bounded(target.createCDPSession());
        if (!cdp) return false;
        if (goOffline) {
          // New connections fail from here on; the ones open stay, as when Wi-Fi drops quietly.
          const cut = await bounded(cdp.send('Network.enable').then(() => cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })));
          if (!cut) return false;
          offline.push(cdp);
        }
        // Chromium's emulation does not fire the events a worker hears when the network goes or
        // comes back (HTML §8.1.7.1, "online and offline events"): fire the one the browser would.
        // A worker held for a debugger would never answer: it is not one of this test's engines.
        const fired = await bounded(cdp.send('Runtime.evaluate', { expression: `self.dispatchEvent(new Event('${goOffline ? 'offline' : 'online'}'))` }));
        if (!goOffline) void cdp.detach().catch(() => undefined);
        return fired !== undefined;
      }));
      if (!reached.includes(true)) throw new Error('network-offline found no SharedWorker to take offline');
      return workers.map((t) => t.type());
    },
  };
}

/** CDP_WAIT_MS: how long one DevTools call to a worker may take before the worker counts as gone. */
const CDP_WAIT_MS = 3_000;

/** The call's result, or undefined if it failed or took longer than CDP_WAIT_MS. */
function bounded<T>(call: Promise<T>): Promise<T | undefined> {
  return Promise.race([call.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(resolve, CDP_WAIT_MS))]);
}
