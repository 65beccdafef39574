import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { countReporter } from './test/support/count-reporter.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium.ts';
import { parleyServers } from './test/support/wtr-servers.ts';
import { mqttServers } from './test/support/wtr-mqtt.ts';
import { xmppServers } from './test/support/wtr-xmpp.ts';
import { hostileJsonServer } from './test/support/wtr-hostile-json.ts';
import { bundled } from './test/support/wtr-bundle.ts';

/**
 * Browser tests, in Debian's Chromium, against the real demo relay. Run through test/run-all.ts.
 * Type-checked with the rest (tsconfig.json: checkJs).
 * @type {import('@web/test-runner').TestRunnerConfig}
 */
export default {
  files: 'test/browser/**/*.test.ts',
  // WTR_PORT lets two runs share a machine.
  port: Number(process.env.WTR_PORT ?? 8000),
  nodeResolve: true,
  concurrency: 1,
  // Each wait in a test has its own bound; this only stops a test that hangs outright.
  // forbidOnly: a focused test (describe.only, it.only) fails its file instead of hiding the rest.
  testFramework: { config: { timeout: 120_000, forbidOnly: true } },
  testsFinishTimeout: 10 * 60_000,
  // transports/xmpp/lib.ts gathers xmpp.js, which reaches CommonJS packages; see wtr-bundle.ts.
  plugins: [
    bundled(['/worker/transports/xmpp/lib.ts']),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    parleyServers(),
    mqttServers(),
    xmppServers(),
    hostileJsonServer(),
  ],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--headless=new'] } }),
  ],
  reporters: [
    defaultReporter(),
    summaryReporter({ flatten: false }),
    ...(process.env.PARLEY_COUNT_FILE ? [countReporter(process.env.PARLEY_COUNT_FILE)] : []),
  ],
};
