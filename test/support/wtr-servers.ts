import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';

/**
 * Starts the real demo relay beside @web/test-runner and lets browser tests reach it through
 * server commands (`executeServerCommand('parley-env')` and friends).
 */
export function parleyServers(): TestRunnerPlugin {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-wtr-'));
  let demo: DemoServer | undefined;
  let port = 0;
  const start = async () => {
    demo = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
    port = demo.port;
  };
  return {
    name: 'parley-servers',
    serverStart: start,
    async serverStop() {
      await demo?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command }) {
      switch (command) {
        case 'parley-env':
          return { relayUrl: `ws://127.0.0.1:${port}/relay` };
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
