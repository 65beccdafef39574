import { startDemoServer } from './server.ts';

/** `npm start`: the demo server, until Ctrl-C. */
const server = await startDemoServer({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? 'localhost',
  dataDir: process.env.PARLEY_DATA_DIR,
  identitySecret: process.env.PARLEY_IDENTITY_SECRET,
  controls: true,
  // Origins of other sites that embed the widget and may upload files (docs/attachments.md).
  allowedOrigins: process.env.PARLEY_ALLOWED_ORIGINS?.split(/[\s,]+/).filter(Boolean),
  // A public demo relay must hold its own against one noisy visitor (docs/relay.md).
  limits: {
    maxConnectionsPerIp: 50,
    messagesPerSecond: 20,
    messageBurst: 100,
  },
  // What the browser fetched, as the server saw it: requests made inside a SharedWorker do not
  // show up in a page's network events (test/e2e/mqtt-demo.test.ts reads this).
  onRequest: process.env.PARLEY_LOG_REQUESTS ? (path) => console.log(`GET ${path}`) : undefined,
});
console.log(`Parley demo: ${server.url}  (JSON relay at ${server.relayUrl}, MQTT broker at ${server.mqttUrl})`);
console.log('Open it in two tabs or two browsers to chat. Ctrl-C stops it.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
