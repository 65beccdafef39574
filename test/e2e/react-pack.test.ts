import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { serveStatic } from '../../demo/static-files.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromium } from '../support/chromium.ts';

/**
 * The package as an app gets it: `npm pack`, the tarball installed into a copy of
 * examples/react (Vite + React 19), type-checked against the generated JSX types, built, and
 * driven in Chromium. React itself comes from this repository's devDependencies (the copy sits
 * inside the repository, so Node finds them up the tree); parley, lit and comlink come from
 * the tarball's install.
 */
const root = resolve('.');
const app = join(root, 'examples/react/.under-test');
let relay: DemoServer;
let site: Server;
let siteUrl = '';
let browser: Browser;

const run = (args: string[], cwd: string) => execFileSync(args[0]!, args.slice(1), { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  const packs = mkdtempSync(join(tmpdir(), 'parley-pack-'));
  // prepack builds dist/ and the package's modules first.
  run(['npm', 'pack', '--pack-destination', packs, '--silent'], root);
  const tarball = join(packs, readdirSync(packs).find((f) => f.endsWith('.tgz'))!);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  for (const f of ['index.html', 'src', 'vite.config.ts', 'tsconfig.json']) cpSync(join(root, 'examples/react', f), join(app, f), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app-under-test', private: true, type: 'module' }));
  run(['npm', 'install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], app);
  run([process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  run([process.execPath, join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);

  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-react-')) });
  site = createServer(serveStatic(join(app, 'dist')));
  await new Promise<void>((ready) => site.listen(0, '127.0.0.1', ready));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
  await relay?.close();
  rmSync(app, { recursive: true, force: true });
});

describe('npm package in a Vite + React 19 app', () => {
  it('takes properties, options as a property and parley-* events on the bare element', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${siteUrl}/?server=${encodeURIComponent(relay.relayUrl)}`);
    await page.locator('#state', { hasText: 'open' }).waitFor({ timeout: 15_000 });
    const element = await page.evaluate(() => {
      const chat = document.querySelector('parley-chat') as HTMLElement & { options?: { heartbeatInterval?: number }; server?: string };
      return { options: chat.options?.heartbeatInterval, optionsAttribute: chat.getAttribute('options'), server: chat.server };
    });
    assert.deepEqual(element, { options: 20_000, optionsAttribute: null, server: relay.relayUrl });
    await page.locator('parley-chat textarea').fill('hello from React');
    await page.locator('parley-chat textarea').press('Enter');
    await page.locator('#count', { hasText: '1' }).waitFor();
    assert.equal(relay.stats().relayClients, 1);
    assert.deepEqual(errors, []);
  });
});
