import { fileURLToPath } from 'node:url';

/**
 * What the MQTT transport's build of mqtt.js (index.ts) maps each module it would reach onto,
 * for Vite (vite.config.ts) and for the browser tests' esbuild (test/support/wtr-bundle.ts), so
 * that both run the same code. Node-only code is left out; the rest stays mqtt.js's own:
 * the client, its handlers and store, mqtt-packet, `buffer`, `events`.
 */
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Bare module names, anywhere in the MQTT transport's graph. */
export const MQTT_LITE_MODULES: Record<string, string> = {
  'readable-stream': here('./stream.ts'),
  debug: here('./debug.cjs'),
  'process-nextick-args': here('./next-tick.ts'),
  'worker-timers': here('./timers.ts'),
  'lru-cache': here('./lru-cache.ts'),
  'rfdc/default': here('./deep-copy.ts'),
  // mqtt-packet's parser wants only bl's BufferList; bl's main module adds a Duplex stream.
  bl: fileURLToPath(new URL('../../../../node_modules/bl/BufferList.js', import.meta.url)),
};

/** The stand-in for mqtt.js's own `shared` module, which its build imports by a relative path (docs/mqtt.md, "Bundle"). */
export const MQTT_SHARED = here('./shared.ts');

/** The modules whose imports are mapped: mqtt.js, mqtt-packet and these stand-ins; nothing else in the build. */
const MAPPED_IMPORTERS = /[\\/]node_modules[\\/](mqtt|mqtt-packet)[\\/]|[\\/]transports[\\/]mqtt[\\/]lite[\\/]/;

/** Where `source`, imported by `importer`, goes instead; undefined if it stays as it is. */
export function mqttLiteAlias(source: string, importer: string | undefined): string | undefined {
  if (!importer || !MAPPED_IMPORTERS.test(importer)) return undefined;
  if (Object.hasOwn(MQTT_LITE_MODULES, source)) return MQTT_LITE_MODULES[source];
  if (/[\\/]mqtt[\\/]build[\\/]lib[\\/]/.test(importer) && /^\.\.?\/(\.\.\/)?shared(\.js)?$/.test(source)) return MQTT_SHARED;
  return undefined;
}
