import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import type { Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { faultScale } from './fault-scale.ts';
import { reportFaults, type FaultRow } from './fault-table.ts';
import { killWorker, probeWorker, resumeWorker, type WorkerProbe } from './fault-probe.ts';
import { TcpProxy, type ProxyMode } from './tcp-proxy.ts';

/** The identity secret of the signed relay: a hello without the right signature is refused. */
const IDENTITY_SECRET = 'fault-matrix-secret';

/**
 * Server commands for test/browser/fault-matrix*.test.ts:
 * - `fault-scale`: the scenario sizes (test/support/fault-scale.ts; PARLEY_SOAK=1 is the soak);
 * - `fault-row {row}`: one row of the summary table, printed when the run ends and written to
 *   test-results/fault-matrix-<browser>.md;
 * - `fault-proxy-start {url}` → `{ id, url }`: a TcpProxy in front of any ws:// URL's port (the
 *   path is kept); `fault-proxy-mode {id, mode}`; `fault-proxy-stats {id}` → `{ accepted, open,
 *   bytesToClients }` (connections made, open now, bytes the server sent through it); `fault-proxy-stop {id}`;
 * - `fault-signed-relay` → a relay URL that refuses a hello without the site's signature;
 * - `fault-worker-probe {match}` (Chromium): the figures of the SharedWorker whose URL contains
 *   `match`, over the DevTools protocol (test/support/fault-probe.ts);
 * - `fault-worker-kill {match}` (Chromium): ends that SharedWorker → how, or null if none ran;
 * - `fault-worker-resume {match}` (Chromium): lets the worker started again under that name run.
 */
export function faultServers(browser: string): TestRunnerPlugin {
  /** This run's rows, each with the test file that posted it. */
  const rows: { file: string; row: FaultRow }[] = [];
  const proxies = new Map<number, TcpProxy>();
  let signed: DemoServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-faults-'));
  const proxy = (id: unknown) => {
    const found = proxies.get(Number(id));
    if (!found) throw new Error(`no fault proxy ${id}`);
    return found;
  };
  return {
    name: 'parley-faults',
    async serverStop() {
      const scale = faultScale();
      const table = `test-results/fault-matrix-${browser}${scale.soak ? '-soak' : ''}.md`;
      reportFaults(`Fault matrix, browser suite (${browser}${scale.soak ? ', soak' : ''})`, suiteRows(`${table}.rows.json`, rows), table);
      for (const p of proxies.values()) await p.close();
      await signed?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command, payload, session }) {
      const args = (payload ?? {}) as Record<string, unknown>;
      const puppeteerBrowser = () => {
        const launcher = session.browser as unknown as { getPage?: (id: string) => Page };
        if (!launcher.getPage) throw new Error(`${command} needs Chromium (the DevTools protocol)`);
        return launcher.getPage(session.id).browser();
      };
      switch (command) {
        case 'fault-scale':
          return faultScale();
        case 'fault-row':
          rows.push({ file: session.testFile, row: args.row as FaultRow });
          return true;
        case 'fault-proxy-start': {
          const target = new URL(String(args.url));
          const p = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
          proxies.set(p.port, p);
          target.port = String(p.port);
          return { id: p.port, url: target.href };
        }
        case 'fault-proxy-mode':
          proxy(args.id).set(String(args.mode) as ProxyMode);
          return true;
        case 'fault-proxy-stats': {
          const p = proxy(args.id);
          const open = await new Promise<number>((done, fail) => p.server.getConnections((e, n) => (e ? fail(e) : done(n))));
          return { accepted: p.accepted, open, bytesToClients: p.bytesToClients };
        }
        case 'fault-proxy-stop':
          await proxies.get(Number(args.id))?.close();
          proxies.delete(Number(args.id));
          return true;
        case 'fault-signed-relay':
          signed ??= await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dataDir, 'signed'), staticDir: dataDir, identitySecret: IDENTITY_SECRET });
          return { url: signed.relayUrl };
        case 'fault-worker-probe':
          return (await probeWorker(puppeteerBrowser(), String(args.match))) satisfies WorkerProbe;
        case 'fault-worker-resume':
          return resumeWorker(puppeteerBrowser(), String(args.match));
        case 'fault-worker-kill':
          return (await killWorker(puppeteerBrowser(), String(args.match))) ?? null;
        default:
          return undefined;
      }
    },
  };
}

/**
 * The rows of the whole browser suite, when it takes several @web/test-runner runs (the files that
 * drive SharedWorkers over DevTools run in browsers of their own, and a file that lost its browser
 * runs again: test/support/browser-suites.ts, which names the suite in PARLEY_SUITE_ID). The rows
 * of the suite's earlier runs are kept beside the table, in `sidecar`; a file of this run replaces
 * its rows from an earlier one, so a file run again is not counted twice. Outside such a suite,
 * this run's rows alone.
 */
function suiteRows(sidecar: string, rows: readonly { file: string; row: FaultRow }[]): FaultRow[] {
  const suite = process.env.PARLEY_SUITE_ID;
  // A run with no rows of its own prints no table: the earlier run printed those rows.
  if (!suite || rows.length === 0) return rows.map((r) => r.row);
  const saved = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as { suite: string; rows: { file: string; row: FaultRow }[] }) : undefined;
  const mine = new Set(rows.map((r) => r.file));
  const all = [...(saved?.suite === suite ? saved.rows.filter((r) => !mine.has(r.file)) : []), ...rows];
  mkdirSync(dirname(sidecar), { recursive: true });
  writeFileSync(sidecar, JSON.stringify({ suite, rows: all }));
  return all.map((r) => r.row);
}
