import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';

/**
 * Starts the real demo relay beside @web/test-runner and lets browser tests reach it through
 * server commands (`executeServerCommand('parley-env')` and friends).
 */
const GUARDED_TOKEN = 'contract-token';

export function parleyServers(): TestRunnerPlugin {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-wtr-'));
  let demo: DemoServer | undefined;
  /** A second relay that wants a token, for refused-credentials checks. */
  let guarded: DemoServer | undefined;
  let port = 0;
  const start = async () => {
    demo = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
    port = demo.port;
  };
  return {
    name: 'parley-servers',
    async serverStart() {
      await start();
      guarded = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dataDir, 'guarded'), staticDir: dataDir, token: GUARDED_TOKEN });
    },
    async serverStop() {
      await demo?.close();
      await guarded?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command }) {
      switch (command) {
        case 'parley-env':
          return { relayUrl: `ws://127.0.0.1:${port}/relay`, guardedRelayUrl: guarded?.relayUrl, guardedToken: GUARDED_TOKEN };
        case 'relay-stats':
          return demo?.stats() ?? { relayClients: 0 };
        // The relay goes away and comes back on the same port with the same history on disk.
        case 'relay-stop':
          await demo?.close();
          demo = undefined;
          return true;
        case 'relay-start':
          if (!demo) await start();
          return true;
        default:
          return undefined;
      }
    },
  };
}
