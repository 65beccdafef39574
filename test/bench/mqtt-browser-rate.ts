import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { benchContext, blankPage } from './page.ts';

/** Where the bench's page imports mqtt.js's own browser build from (answered by Playwright, below). */
const MODULE_PATH = '/__bench-mqtt.esm.js';

/**
 * mqtt.js alone in a browser worker, no Parley and no IndexedDB: `count` QoS 1 publishes, all
 * issued at once, to the last PUBACK, with the client subscribed to the topic it publishes on
 * (as the engine is to its rooms, so every publish also comes back), in msg/s. What mqtt.js
 * itself does in the same browser is the ceiling of an MQTT drain, as the engine speaks
 * MQTT through it (docs/speed.md).
 */
export async function mqttBrowserRate(browser: Browser, origin: string, url: string, count: number): Promise<number> {
  const context = await benchContext(browser, origin);
  try {
    const file = fileURLToPath(new URL('../../node_modules/mqtt/dist/mqtt.esm.js', import.meta.url));
    await context.route(`**${MODULE_PATH}`, (route) => route.fulfill({ path: file, contentType: 'text/javascript' }));
    const page = await blankPage(context, origin);
    // In a worker, as the engine runs it (a dedicated one: a SharedWorker would outlive the page).
    return await page.evaluate(
      ({ url, count, path }) => {
        const source = `
          import mqtt from '${location.origin}${path}';
          onmessage = async ({ data: { url, count } }) => {
            const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
            const topic = 'parley/rooms/bench-browser-' + Date.now();
            await client.subscribeAsync(topic, { qos: 1 });
            const t0 = performance.now();
            await Promise.all(Array.from({ length: count }, (_, i) => client.publishAsync(topic, JSON.stringify({ id: 'b-' + i, text: 'browser ' + i }), { qos: 1 })));
            const ms = performance.now() - t0;
            await client.endAsync();
            postMessage(count / (ms / 1000));
          };`;
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
        return new Promise<number>((resolve, reject) => {
          worker.onmessage = ({ data }) => resolve(data as number);
          worker.onerror = (e) => reject(new Error(`mqtt.js worker: ${e.message}`));
          worker.postMessage({ url, count });
        });
      },
      { url, count, path: MODULE_PATH },
    );
  } finally {
    await context.close();
  }
}
