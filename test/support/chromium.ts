import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/**
 * Flags for Debian's Chromium as root on a machine with no network but loopback: background
 * networking would only hammer closed ports (docs/platform.md, "Browsers in tests").
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Chromium 156 draws its address bar's popups with WebUI: every new window (each Playwright
 * context) starts a renderer for chrome://omnibox-popup that takes 0.8 to 1.5 s of CPU in the
 * window's first 1.5 s, beside the page under test (docs/platform.md). Puppeteer, which runs
 * the browser suites, turns the first two off by itself.
 */
const OMNIBOX_WEBUI = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];

/**
 * The features playwright-core 1.65 turns off (its `chromiumSwitches`, less two of Edge's).
 * Chromium keeps only the last `--disable-features` it is given, and Playwright does not merge
 * a caller's into its own, so a Playwright launch that turns anything off must repeat this list.
 */
const PLAYWRIGHT_DISABLED = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

/** CHROMIUM_ARGS for a Playwright launch: use the two launchers below rather than this list. */
const PLAYWRIGHT_CHROMIUM_ARGS = [...CHROMIUM_ARGS, `--disable-features=${[...PLAYWRIGHT_DISABLED, ...OMNIBOX_WEBUI].join(',')}`];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, args: PLAYWRIGHT_CHROMIUM_ARGS });

/**
 * A browser on a fresh profile that allows third-party cookies (`cookie_controls_mode: 0`), as a
 * regular desktop window of Chrome does, and so storage in a cross-origin frame such as the
 * bridge (docs/embedding.md, "Storage partitioning"). Debian's Chromium denies it by default.
 */
export function launchChromiumAllowingThirdParty(): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-profile-'));
  mkdirSync(join(dir, 'Default'));
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: PLAYWRIGHT_CHROMIUM_ARGS });
}
