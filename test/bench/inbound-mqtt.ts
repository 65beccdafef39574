import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { encodeChat } from '../../worker/transports/mqtt/payload.ts';
import { DEFAULT_TOPIC_PREFIX, topicMap } from '../../worker/transports/mqtt/topics.ts';
import { benchContext, enginePage, type PageBench } from './page.ts';
import { repeat, type Section } from './results.ts';

/**
 * Item 5 over MQTT: `count` QoS 1 messages published from Node into a room an engine page has
 * open on aedes (the demo's /mqtt), until all are in the page's model (`message` events, each
 * sent only once stored), in msg/s. It is how fast a visitor catches up on a busy MQTT room.
 * Baseline: the same publishes to a Node mqtt.js subscriber of the room, QoS 1: the broker's
 * own rate. Each PUBACK of the engine waits for its message to be stored
 * (worker/transports/mqtt/ack-after-store.ts), so this also times the stores.
 */
export async function measureInboundMqtt(server: DemoServer, browser: Browser, reps: number, count: number): Promise<Section> {
  const engine: number[] = [];
  const broker: number[] = [];
  await repeat(reps, async (rep) => {
    const room = `mqtt-in-${rep}-${Date.now()}`;
    broker.push(await toSubscriber(server.mqttUrl, `${room}-raw`, count));
    const context = await benchContext(browser, server.url);
    try {
      const page = await enginePage(context, server.url, `mqtt-in-${rep}-${Date.now()}`);
      const conversation = await page.evaluate(async ({ url, room }) => {
        const bench = (window as unknown as { bench: PageBench }).bench;
        const { conversation } = await bench.client.api.open({ protocol: 'mqtt', url, user: 'reader' }, room);
        await new Promise<void>((joined) => {
          const off = bench.client.on((e) => e.type === 'joined' && e.conversation === conversation && (off(), joined()));
        });
        return conversation;
      }, { url: server.mqttUrl, room });
      const t0 = performance.now();
      await publish(server.mqttUrl, room, count);
      await page.waitForFunction(({ conversation, count }) => ((window as unknown as { bench: PageBench }).bench.messages[conversation] ?? 0) >= count, { conversation, count }, { timeout: 120_000, polling: 5 });
      engine.push(count / ((performance.now() - t0) / 1000));
    } finally {
      await context.close();
    }
  });
  return {
    rows: [
      {
        item: 5,
        name: `inbound burst over MQTT: ${count} QoS 1 published from Node, all in the tab's model (aedes)`,
        unit: 'msg/s',
        direction: 'higher',
        samples: engine,
        baseline: { name: 'aedes alone: the same publishes to a Node subscriber', samples: broker },
      },
    ],
  };
}

/** Publishes `count` chat messages to `room` from one Node client, all at once, QoS 1. */
async function publish(url: string, room: string, count: number): Promise<void> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const topic = topicMap(DEFAULT_TOPIC_PREFIX).chat(room);
  const ts = Date.now();
  const message = (i: number) => encodeChat({ id: `${room}-${i}`, room, from: 'writer', name: 'Writer', text: `burst ${i}`, ts });
  await Promise.all(Array.from({ length: count }, (_, i) => client.publishAsync(topic, Buffer.from(message(i)), { qos: 1 })));
  await client.endAsync();
}

/** The broker's rate: from the first publish to the last message at a Node subscriber, in msg/s. */
async function toSubscriber(url: string, room: string, count: number): Promise<number> {
  const subscriber = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  await subscriber.subscribeAsync(topicMap(DEFAULT_TOPIC_PREFIX).chat(room), { qos: 1 });
  let got = 0;
  const all = new Promise<void>((done) => subscriber.on('message', () => ++got === count && done()));
  const t0 = performance.now();
  await publish(url, room, count);
  await all;
  const rate = count / ((performance.now() - t0) / 1000);
  await subscriber.endAsync();
  return rate;
}
