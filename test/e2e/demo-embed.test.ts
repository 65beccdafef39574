import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromiumAllowingThirdParty } from '../support/chromium.ts';

/** The embedding demos that index.html links to (demo/public/embed/), on the demo server. */
let server: DemoServer;
let context: BrowserContext;

before(async () => {
  server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-demo-embed-')) });
  // Third-party storage allowed, for the cross-origin demo (test/e2e/cross-origin.test.ts).
  context = await launchChromiumAllowingThirdParty();
});
after(async () => {
  await context?.close();
  await server?.close();
});

const connected = (page: Page, inLauncher: boolean) =>
  page.waitForFunction(
    (launcher) => {
      const chat = launcher ? document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat') : document.querySelector('parley-chat');
      return chat?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected';
    },
    inLauncher,
    { timeout: 15_000 },
  );

describe('embedding demos', () => {
  it('are linked from the demo page', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    const links = await page.locator('nav a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    assert.deepEqual(links, ['/embed/script-tag.html', '/embed/subpath.html', '/embed/cross-origin.html', '/embed/inline.html', '/embed/fallback.html', '/examples/react/']);
    await page.close();
  });

  for (const [file, launcher] of [
    ['script-tag.html', true],
    ['subpath.html', true],
    ['cross-origin.html', true],
    ['inline.html', false],
    ['fallback.html', true],
    ['../examples/react/', false],
  ] as const) {
    it(`${file} connects`, async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/embed/${file}`);
      if (launcher) await page.locator('[data-parley] button[part=launcher]').click();
      await connected(page, launcher);
      if (file === 'cross-origin.html') assert.match(await page.locator('#snippet').textContent() ?? '', /src="http:\/\/localhost:\d+\/parley\/loader\.js"/);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
