import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import type { Protocol } from '../../worker/api.ts';
import type { DemoServer } from '../../demo/server.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { benchContext, enginePage, type PageBench } from './page.ts';
import { mqttBrowserRate } from './mqtt-browser-rate.ts';
import { relayAlone } from './relay-rate.ts';
import { repeat, type Row, type Section } from './results.ts';
import { steady } from './steady-rate.ts';

interface Target {
  label: string;
  protocol: Protocol;
  /** TCP port of the server, behind the breakable proxy. */
  port: number;
  /** URL path on that port. */
  path: string;
  /** The server alone, same count, pipelined from Node: msg/s. */
  baseline: (count: number) => Promise<number>;
  baselineName: string;
  /** MQTT: the broker's URL for mqtt.js alone in the browser (mqtt-browser-rate.ts). */
  browserUrl?: string;
}

/**
 * Item 7: `count` messages queued while the server is unreachable (a TcpProxy in `refuse`
 * mode, test/support/tcp-proxy.ts), then the proxy forwards again and the page calls
 * `reconnectNow()`: the time from the `open` state event to the last ack, in msg/s, on the
 * JSON relay, aedes (MQTT, the demo's /mqtt) and Mosquitto. Baselines: the same server
 * alone, the same count pipelined from Node (relay-rate.ts; mqtt.js QoS 1 publishes), warm
 * (steady-rate.ts).
 */
export async function measureOutboxDrain(server: DemoServer, browser: Browser, reps: number, count: number): Promise<Section> {
  const mosquitto = await Mosquitto.start();
  const targets: Target[] = [
    { label: 'JSON relay', protocol: 'websocket', port: server.port, path: '/relay', baseline: relayAlone(server), baselineName: 'relay alone, pipelined from Node, warm, best of 3' },
    { label: 'MQTT, aedes', protocol: 'mqtt', port: server.port, path: '/mqtt', baseline: steady((n) => mqttRate(server.mqttUrl, n)), baselineName: 'aedes alone, mqtt.js QoS 1 from Node, warm, best of 3', browserUrl: server.mqttUrl },
    { label: 'MQTT, Mosquitto', protocol: 'mqtt', port: mosquitto.wsPort, path: '', baseline: steady((n) => mqttRate(mosquitto.wsUrl, n)), baselineName: 'Mosquitto alone, mqtt.js QoS 1 from Node, warm, best of 3', browserUrl: mosquitto.wsUrl },
  ];
  const rows: Row[] = [];
  try {
    for (const target of targets) {
      const parley: number[] = [];
      const base: number[] = [];
      const inBrowser: number[] = [];
      await repeat(reps, async (rep) => {
        base.push(await target.baseline(count));
        if (target.browserUrl) inBrowser.push(await mqttBrowserRate(browser, server.url, target.browserUrl, count));
        parley.push(await drain(server, browser, target, count, rep));
      });
      rows.push({
        item: 7,
        name: `outbox drain: ${count} queued offline, open to last ack (${target.label})`,
        unit: 'msg/s',
        direction: 'higher',
        samples: parley,
        baseline: { name: target.baselineName, samples: base },
        target: { kind: 'ratio', bound: 0.25, text: 'at least 25% of the server\'s raw rate' },
      });
      if (inBrowser.length)
        rows.push({
          item: 7,
          name: `mqtt.js alone in the browser: ${count} QoS 1 publishes, subscribed to its topic (${target.label.replace('MQTT, ', '')})`,
          unit: 'msg/s',
          direction: 'higher',
          samples: inBrowser,
          baseline: { name: target.baselineName, samples: base },
          note: 'no Parley, no IndexedDB: the ceiling of the MQTT drain above, which speaks through mqtt.js',
        });
    }
  } finally {
    await mosquitto.close();
  }
  return { rows };
}

async function drain(server: DemoServer, browser: Browser, target: Target, count: number, rep: number): Promise<number> {
  const proxy = await TcpProxy.start({ port: target.port });
  proxy.set('refuse');
  const context = await benchContext(browser, server.url);
  try {
    const page = await enginePage(context, server.url, `drain-${target.protocol}-${rep}-${Date.now()}`);
    const url = `ws://127.0.0.1:${proxy.port}${target.path}`;
    await page.evaluate(
      async ({ url, protocol, count, room }) => {
        const w = window as unknown as { bench: PageBench; conversation: string };
        const options = { outboxLimit: count + 10, backoffBase: 100, backoffCap: 500 };
        const { conversation } = await w.bench.client.api.open({ protocol, url, user: `drainer-${room}`, options }, room);
        w.conversation = conversation;
        const stored = [];
        for (let i = 0; i < count; i++) stored.push(w.bench.client.api.send(conversation, `queued ${i}`));
        await Promise.all(stored);
      },
      { url, protocol: target.protocol, count, room: `drain-${rep}-${Date.now()}` },
    );
    proxy.set('forward');
    return await page.evaluate(async (count) => {
      const w = window as unknown as { bench: PageBench; conversation: string };
      const opened = w.bench.states.length;
      await w.bench.client.api.reconnectNow(w.conversation);
      while ((w.bench.sent[w.conversation] ?? 0) < count) await new Promise((r) => setTimeout(r, 5));
      const end = performance.timeOrigin + performance.now();
      const open = w.bench.states.slice(opened).find((s) => s.to === 'open')!;
      return count / ((end - open.at) / 1000);
    }, count);
  } finally {
    await context.close();
    await proxy.close();
  }
}

/** `count` QoS 1 publishes from one Node mqtt.js client, all issued at once, to the last PUBACK. */
async function mqttRate(url: string, count: number): Promise<number> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => client.publishAsync('parley/rooms/bench-raw', JSON.stringify({ id: `raw-${i}`, text: `raw ${i}` }), { qos: 1 })));
  const ms = performance.now() - t0;
  await client.endAsync();
  return count / (ms / 1000);
}
