import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { countReporter } from './test/support/count-reporter.mjs';
import { browserLauncher, excludedFiles, isBrowserName, ownBrowserFiles } from './test/support/browsers.ts';
import { parleyServers } from './test/support/wtr-servers.ts';
import { mqttServers } from './test/support/wtr-mqtt.ts';
import { xmppServers } from './test/support/wtr-xmpp.ts';
import { ejabberdServers } from './test/support/wtr-ejabberd.ts';
import { rabbitServers } from './test/support/wtr-rabbitmq.ts';
import { hostileJsonServer } from './test/support/wtr-hostile-json.ts';
import { hostileXmppServer } from './test/support/wtr-hostile-xmpp.ts';
import { bundled } from './test/support/wtr-bundle.ts';
import { browserConditions } from './test/support/wtr-browser-conditions.ts';
import { faultServers } from './test/support/fault-servers.ts';

const browser = process.env.PARLEY_BROWSER ?? 'chromium';
if (!isBrowserName(browser)) throw new Error(`PARLEY_BROWSER is "${browser}"; it must be "chromium" or "firefox"`);

/**
 * Browser tests against the real demo relay, brokers and XMPP server, in ONE browser per run:
 * PARLEY_BROWSER (test/support/browsers.ts). `npm run test:browser` and test/run-all.ts run
 * it once per browser, one after the other (test/support/browser-suites.ts): the tests share
 * the servers and count their sockets, so two browsers at once would see each other.
 * Type-checked with the rest (tsconfig.json: checkJs).
 * @type {import('@web/test-runner').TestRunnerConfig}
 */
export default {
  // The files that drive SharedWorkers over the DevTools protocol run each in a run (a browser)
  // of their own, which browser-suites.ts starts with `--files`: OWN_BROWSER_FILES
  // (test/support/browsers.ts). A `--files` argument replaces this list.
  files: ['test/browser/**/*.test.ts', ...ownBrowserFiles(browser).map((f) => `!${f}`), ...excludedFiles(browser).map((f) => `!${f}`)],
  // WTR_PORT lets two runs share a machine.
  port: Number(process.env.WTR_PORT ?? 8000),
  nodeResolve: true,
  concurrency: 1,
  // Each wait in a test has its own bound; this only stops a test that hangs outright.
  // forbidOnly: a focused test (describe.only, it.only) fails its file instead of hiding the rest.
  testFramework: { config: { timeout: 120_000, forbidOnly: true } },
  // The soak's fault matrix (npm run test:soak) runs one file for half an hour.
  testsFinishTimeout: (process.env.PARLEY_SOAK === '1' ? 90 : 10) * 60_000,
  plugins: [
    // Served bundled (see wtr-bundle.ts): transports/xmpp/lib.ts gathers xmpp.js, and
    // transports/mqtt/lite/index.ts mqtt.js's client, which reach CommonJS packages; and the
    // widget of test/browser/fixtures/tab.html in one file, for speed.
    bundled({
      '/worker/transports/xmpp/lib.ts': '/worker/transports/xmpp/lib.ts',
      '/worker/transports/mqtt/lite/index.ts': '/worker/transports/mqtt/lite/index.ts',
      '/widget/engine-client/tab-bundle.js': '/widget/index.ts',
    }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    parleyServers(),
    mqttServers(),
    // Before parley-xmpp: it takes the XMPP commands whose payload names an ejabberd server.
    ejabberdServers(),
    xmppServers(),
    rabbitServers(),
    hostileJsonServer(),
    hostileXmppServer(),
    browserConditions(browser),
    faultServers(browser),
  ],
  browsers: [browserLauncher(browser)],
  reporters: [
    defaultReporter(),
    summaryReporter({ flatten: false }),
    ...(process.env.PARLEY_COUNT_FILE ? [countReporter(process.env.PARLEY_COUNT_FILE)] : []),
  ],
};
