import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { TcpProxy, type ProxyMode } from './tcp-proxy.ts';

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
  const start = async () => {
    demo = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
    port = demo.port;
  };
  const proxy = (id: unknown) => {
    const found = proxies.get(Number(id));
    if (!found) throw new Error(`no proxy ${id}`);
    return found;
  };
  return {
    name: 'parley-servers',
    async serverStart() {
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
      await demo?.close();
      await guarded?.close();
      await limited?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as { id?: number; mode?: ProxyMode };
      switch (command) {
        case 'parley-env':
          return { relayUrl: `ws://127.0.0.1:${port}/relay`, guardedRelayUrl: guarded?.relayUrl, guardedToken: GUARDED_TOKEN, limitedRelayUrl: limited?.relayUrl };
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
        default:
          return undefined;
      }
    },
  };
}
