import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromiumAllowingThirdParty } from '../support/chromium.ts';
import { html, startEmbedSite, type EmbedSite } from './embed-site.ts';

/**
 * The widget on a page with the strict policy of docs/embedding.md: no 'unsafe-inline', no
 * 'unsafe-eval', Trusted Types required. A `securitypolicyviolation` listener, installed before
 * anything else runs, and the console catch any violation; there must be none.
 */
let relay: DemoServer;
let widget: EmbedSite;
let sameOrigin: EmbedSite;
let crossOrigin: EmbedSite;
let context: BrowserContext;

/** Installed first, from a file (an inline script would itself be a violation). */
const WATCH = `window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber), true);`;
const serveWatch = (req: { url?: string }, res: import('node:http').ServerResponse): boolean => {
  if (req.url !== '/watch.js') return false;
  res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end(WATCH);
  return true;
};

const policy = (widgetOrigin: string) =>
  [
    `default-src 'self'`,
    `script-src ${widgetOrigin}`,
    `connect-src ${relay.relayUrl}`,
    `worker-src ${widgetOrigin}`,
    `frame-src ${widgetOrigin}`,
    `require-trusted-types-for 'script'`,
  ].join('; ');

before(async () => {
  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-csp-')) });
  widget = await startEmbedSite({}, 'localhost', 0, serveWatch);
  // The policy names the page's own origin for a same-origin widget: it is known once listening.
  let self = '';
  sameOrigin = await startEmbedSite(
    {
      '/': (req, res) =>
        html(
          `<script src="/watch.js"></script><script async src="/parley/loader.js" data-server="${relay.relayUrl}" data-room="csp-same"></script>`,
          { 'content-security-policy': policy(self) },
        )(req, res),
    },
    '127.0.0.1',
    0,
    serveWatch,
  );
  self = sameOrigin.url;
  crossOrigin = await startEmbedSite(
    {
      '/': (req, res) =>
        html(
          `<script src="${widget.url}/watch.js"></script><script async src="${widget.url}/parley/loader.js" data-server="${relay.relayUrl}" data-room="csp-cross"></script>`,
          { 'content-security-policy': policy(widget.url) },
        )(req, res),
    },
    '127.0.0.1',
  );
  // Third-party storage allowed, so the cross-origin bridge can run (test/e2e/cross-origin.test.ts).
  context = await launchChromiumAllowingThirdParty();
});
after(async () => {
  await context?.close();
  for (const s of [sameOrigin, crossOrigin, widget]) await s?.close();
  await relay?.close();
});

/**
 * A function, not a string: Playwright evaluates a string predicate with eval(), which this
 * very policy forbids (and would report as a violation).
 */
const shows = (what: string) => {
  const root = document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat')?.shadowRoot;
  if (!root) return false;
  return what === 'Connected'
    ? root.querySelector('.state-text')?.textContent === 'Connected'
    : (root.querySelector('.status') as HTMLElement | null)?.dataset.status === 'sent';
};

describe('strict Content-Security-Policy and Trusted Types', () => {
  for (const [label, site] of [
    ['same-origin widget', () => sameOrigin],
    ['cross-origin widget', () => crossOrigin],
  ] as const) {
    it(`reports no violation with a ${label}, from the launcher to a sent message`, async () => {
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (m) => /Content.Security.Policy|Trusted ?Type|Refused/i.test(m.text()) && console.push(m.text()));
      page.on('pageerror', (e) => console.push(String(e)));
      await page.goto(site().url);
      await page.locator('[data-parley] button[part=launcher]').click();
      await page.waitForFunction(shows, 'Connected', { timeout: 15_000 });
      await page.locator('parley-chat textarea').fill(`hello under CSP (${label})`);
      await page.locator('parley-chat textarea').press('Enter');
      await page.waitForFunction(shows, 'sent');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
      assert.deepEqual(console, []);
      await page.close();
    });
  }
});
