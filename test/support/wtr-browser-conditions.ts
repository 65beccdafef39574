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
      for (const cdp of offline.splice(0)) {
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }).catch(() => undefined);
        await cdp.detach().catch(() => undefined);
      }
      let reached = 0;
      for (const target of workers) {
        // A worker of an earlier file may be ending, or ended over CDP (the fault matrix ends
        // engines with Target.closeTarget): attaching to it fails, and it has no link to cut.
        const cdp = await target.createCDPSession().catch(() => undefined);
        if (!cdp) continue;
        try {
          if (goOffline) {
            // New connections fail from here on; the ones open stay, as when Wi-Fi drops quietly.
            await cdp.send('Network.enable');
            await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
            offline.push(cdp);
          }
          // Chromium's emulation does not fire the events a worker hears when the network goes or
          // comes back (HTML §8.1.7.1, "online and offline events"): fire the one the browser would.
          // A worker held for a debugger would never answer: it is not one of this test's engines.
          const fired = cdp.send('Runtime.evaluate', { expression: `self.dispatchEvent(new Event('${goOffline ? 'offline' : 'online'}'))` });
          if (await Promise.race([fired.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2_000))])) reached += 1;
          if (!goOffline) await cdp.detach();
        } catch {
          // Ended while we spoke to it: nothing to take offline.
        }
      }
      if (!reached) throw new Error('network-offline found no SharedWorker to take offline');
      return workers.map((t) => t.type());
    },
  };
}
