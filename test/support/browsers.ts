import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteerCore from 'puppeteer-core';
import type { BrowserLauncher } from '@web/test-runner';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

/**
 * The browsers the browser suite (test/browser) runs in, one @web/test-runner run each
 * (test/support/browser-suites.ts): Debian's Chromium over the DevTools protocol, and Debian's
 * Firefox ESR over WebDriver BiDi, both driven by puppeteer-core with the system binaries.
 * Nothing here downloads a browser.
 */
export const BROWSER_NAMES = ['chromium', 'firefox'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Firefox prefs for a machine whose only network is loopback, like CHROMIUM_ARGS: no update or
 * captive-portal checks hammering closed ports. puppeteer-core's own Firefox
 * profile already turns off most background services.
 */
const FIREFOX_PREFS: Record<string, unknown> = {
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.update.auto': false,
  'app.update.enabled': false,
};

/**
 * Browser test files that run in Chromium only, each with why. Keep it short: it is for
 * scenarios that need the Chrome DevTools Protocol (network emulation, throttling flags, heap
 * measurement), never for a failure nobody has looked into.
 */
export const CHROMIUM_ONLY: readonly { file: string; reason: string }[] = [
  {
    file: 'test/browser/media-emulation.test.ts',
    reason: 'emulates prefers-color-scheme and prefers-reduced-motion, which needs the DevTools protocol (emulateMedia)',
  },
  {
    file: 'test/browser/offline-banner.test.ts',
    reason: "takes the engine's SharedWorker offline and fires its offline and online events, which needs the DevTools protocol",
  },
  {
    file: 'test/browser/list-follow-hidden.test.ts',
    reason: 'needs a page hidden behind a window.open popup, which headless Firefox does not hide',
  },
  {
    file: 'test/browser/notifications.test.ts',
    reason: "sets the site's notification permission as the visitor's answer would, which needs the DevTools protocol",
  },
  {
    file: 'test/browser/fault-matrix-engine.test.ts',
    reason: "ends the engine's SharedWorker mid-burst, which only the DevTools protocol can do (Chromium keeps it after its last tab)",
  },
  {
    file: 'test/browser/fault-matrix-flaps.test.ts',
    reason: "reads the engine's heap, listeners, sockets and timers from its SharedWorker over the DevTools protocol",
  },
];

/**
 * Chromium-only files that drive the engine's SharedWorkers over the DevTools protocol: each runs
 * in a @web/test-runner run of its own, so in a browser of its own, after the main run
 * (test/support/browser-suites.ts); the config leaves them out of the main run. In CI, Chromium's
 * browser process went away now and then under one of them ("the browser disconnected", then
 * "detached Frame"; cause unknown, docs/platform.md, "Browsers in tests"). In a browser of its own
 * such a loss costs that file alone, which is then run once more; and the file meets none of the
 * SharedWorkers of earlier files, which otherwise still run (they outlive their tabs by minutes).
 */
export const OWN_BROWSER_FILES: readonly string[] = [
  'test/browser/offline-banner.test.ts',
  'test/browser/fault-matrix-engine.test.ts',
  'test/browser/fault-matrix-flaps.test.ts',
];

/** The OWN_BROWSER_FILES that run in `name` (none outside Chromium: they are Chromium-only). */
export const ownBrowserFiles = (name: BrowserName): string[] => OWN_BROWSER_FILES.filter((f) => !excludedFiles(name).includes(f));

export function isBrowserName(name: string): name is BrowserName {
  return (BROWSER_NAMES as readonly string[]).includes(name);
}

/**
 * The launcher for one browser. Given a puppeteer instance, `chromeLauncher` launches with it
 * and names the browser after `launchOptions.browser` ("Chromium", "Firefox"), which is the
 * name each run's summary line carries.
 */
export function browserLauncher(name: BrowserName): BrowserLauncher {
  const launchOptions: puppeteerCore.LaunchOptions =
    name === 'chromium'
      ? { browser: 'chrome', executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--headless=new'] }
      : { browser: 'firefox', executablePath: FIREFOX_PATH, extraPrefsFirefox: FIREFOX_PREFS };
  return chromeLauncher({ puppeteer: puppeteerCore, launchOptions });
}

/**
 * Files left out of `name`'s run: the Chromium-only ones outside Chromium. A `--files` argument
 * replaces the config's list, and these exclusions with it.
 */
export const excludedFiles = (name: BrowserName): string[] => (name === 'chromium' ? [] : CHROMIUM_ONLY.map((t) => t.file));
