import type { FaultScale } from '../support/fault-scale.ts';
import type { Tab } from './tabs.ts';
import { faultScale, fixture, type FaultProxy, type Fixture, type TransportName } from './fault-matrix-driver.ts';

/**
 * How the fault matrix's files declare their scenarios: a list of scenarios, each run once per
 * transport it names, with the sizes of this run (`scale`, read before the first test) and the
 * cleanup every test needs whatever its outcome.
 */
export interface Scenario {
  title: string;
  /** aedes only where it differs from Mosquitto: it is in memory, so its "kill" keeps its sessions. */
  transports: TransportName[];
  /** ms, for this run's sizes. */
  timeout: (s: FaultScale) => number;
  run(fx: Fixture): Promise<void>;
}

export const ALL: TransportName[] = ['relay', 'mosquitto', 'aedes', 'prosody'];
/** The servers that run as their own process (or, the relay, with its own store), where aedes would repeat Mosquitto. */
export const PROCESSES: TransportName[] = ['relay', 'mosquitto', 'prosody'];

export let scale: FaultScale;
before(async () => (scale = await faultScale()));

/** Registers an afterEach that closes what the test kept and brings back a server it killed. */
export function cleanup() {
  const tabs: Tab[] = [];
  const proxies: FaultProxy[] = [];
  let down: Fixture | undefined;
  afterEach(async () => {
    for (const tab of tabs.splice(0)) tab.close();
    for (const proxy of proxies.splice(0)) await proxy.stop();
    if (down) await down.start();
    down = undefined;
  });
  return {
    keep: (t: Tab) => (tabs.push(t), t),
    keepProxy: (p: FaultProxy) => (proxies.push(p), p),
    /** The server is down (until `killed(undefined)`): bring it back after the test. */
    killed: (fx: Fixture | undefined) => void (down = fx),
  };
}

export function runScenarios(scenarios: Scenario[]): void {
  for (const scenario of scenarios) {
    describe(`fault matrix: ${scenario.title}`, () => {
      for (const transport of scenario.transports) {
        it(`on ${transport}`, async function () {
          this.timeout(scenario.timeout(scale));
          await scenario.run(await fixture(transport));
        });
      }
    });
  }
}
