import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { TcpProxy, type ProxyMode } from './tcp-proxy.ts';
import { UploadGate } from './upload-gate.ts';

const GUARDED_TOKEN = 'contract-token';

/**
 * Starts the real demo relay beside @web/test-runner and lets browser tests reach and break
 * it through server commands (`executeServerCommand('parley-env')` and friends):
 * - `relay-stop` / `relay-start`: the relay goes away and comes back on the same port, with
 *   the same history on disk; `relay-stats`: its open sockets.
 * - `proxy-start` → `{ id, url }`: a TcpProxy in front of the relay; `proxy-mode {id, mode}`;
 *   `proxy-stats {id}` → `{ accepted }`.
 */
export function parleyServers(): TestRunnerPlugin {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-wtr-'));
  let demo: DemoServer | undefined;
  let guarded: DemoServer | undefined;
  /** A relay with a low message rate (demo/relay-guards.ts), for the widget's side of the limit. */
  let limited: DemoServer | undefined;
  let port = 0;
  const proxies = new Map<number, TcpProxy>();
  const gates = new Map<number, UploadGate>();
  /** The test page's origin, whose engine uploads files (demo/upload.ts allows only listed origins). */
  let allowedOrigins: string[] = [];
  const start = async () => {
    demo = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir, allowedOrigins });
    port = demo.port;
  };
  const gate = (id: unknown) => {
    const found = gates.get(Number(id));
    if (!found) throw new Error(`no upload gate ${id}`);
    return found;
  };
  const proxy = (id: unknown) => {
    const found = proxies.get(Number(id));
    if (!found) throw new Error(`no proxy ${id}`);
    return found;
  };
  return {
    name: 'parley-servers',
    async serverStart({ config }) {
      allowedOrigins = [`http://${config.hostname ?? 'localhost'}:${config.port}`, `http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
      await start();
      guarded = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dataDir, 'guarded'), staticDir: dataDir, token: GUARDED_TOKEN });
      limited = await startDemoServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dataDir, 'limited'),
        staticDir: dataDir,
        limits: { messagesPerSecond: 10, messageBurst: 5 },
      });
    },
    async serverStop() {
      for (const p of proxies.values()) await p.close();
      for (const g of gates.values()) await g.close();
      await demo?.close();
      await guarded?.close();
      await limited?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as { id?: number; mode?: ProxyMode; open?: boolean; fail?: number };
      switch (command) {
        case 'parley-env':
          return {
            relayUrl: `ws://127.0.0.1:${port}/relay`,
            guardedRelayUrl: guarded?.relayUrl,
            guardedToken: GUARDED_TOKEN,
            uploadUrl: `http://127.0.0.1:${port}/upload`,
            mqttUrl: `ws://127.0.0.1:${port}/mqtt`,
            limitedRelayUrl: limited?.relayUrl,
          };
        case 'relay-stats':
          return demo?.stats() ?? { relayClients: 0 };
        case 'relay-stop':
          await demo?.close();
          demo = undefined;
          return true;
        case 'relay-start':
          if (!demo) await start();
          return true;
        case 'proxy-start': {
          const p = await TcpProxy.start({ port });
          proxies.set(p.port, p);
          return { id: p.port, url: `ws://127.0.0.1:${p.port}/relay` };
        }
        case 'proxy-mode':
          proxy(args.id).set(args.mode ?? 'forward');
          return true;
        case 'proxy-stats':
          return { accepted: proxy(args.id).accepted };
        case 'upload-gate-start': {
          const g = await UploadGate.start(`http://127.0.0.1:${port}`);
          const id = Number(new URL(g.url).port);
          gates.set(id, g);
          return { id, url: g.url };
        }
        case 'upload-gate-set':
          gate(args.id).set(args.open ?? true);
          if (args.fail !== undefined) gate(args.id).failNext = args.fail;
          return true;
        case 'upload-gate-stats':
          return gate(args.id).stats;
        default:
          return undefined;
      }
    },
  };
}
