import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { compressed } from './compress.ts';
import type { Section } from './results.ts';

/**
 * Item 1's bundle analysis of the MQTT chunk: what each part of it weighs. The chunk is
 * worker/transports/mqtt/*.ts plus `mqtt/dist/mqtt.esm.js`, a minified prebuilt bundle with no
 * module markers. Its unminified twin, `mqtt/dist/mqtt.js` (the same build), marks each
 * module with a `// path` comment: we cut it there, minify each module alone with esbuild,
 * group modules into parts, and give each part its share of the minified total. A part's gzip
 * figure is that share of the chunk's real gzip size: an estimate, as gzip does not add up
 * across pieces.
 */
const GROUPS: [RegExp, string][] = [
  [/@jspm\/core\/nodelibs\/browser\/(buffer|chunk-)|polyfills\/buffer|safe-buffer|\/buffer\//, 'Buffer polyfill (@jspm/core, safe-buffer)'],
  [/@jspm\/core\/nodelibs\/browser\/process|polyfills\/(process|__dirname)|node_modules\/process\/|process-nextick-args/, 'process polyfill'],
  [/@jspm\/core\/nodelibs\/browser\/events|abort-controller/, 'events, AbortController polyfills'],
  [/@jspm\/core\/nodelibs\/browser\/(url|punycode|net)|polyfills\/empty/, 'url, punycode, net polyfills (@jspm/core)'],
  [/readable-stream|string_decoder|inherits|\bbl\//, 'streams (readable-stream, bl, string_decoder)'],
  [/mqtt-packet/, 'mqtt-packet (encoder, parser)'],
  [/^build\/lib\/connect|build\/lib\/client|build\/mqtt|build\/index/, 'mqtt.js client and connect'],
  [/^build\//, 'mqtt.js other modules (store, handlers, topic alias, validations)'],
  [/ws\/browser/, 'ws (browser shim)'],
  [/debug|\bms\//, 'debug, ms'],
  [/lru-cache|rfdc|fast-unique-numbers|number-allocator|@babel\/runtime|worker-timers|broker-factory/, 'helpers (lru-cache, rfdc, babel runtime, worker-timers)'],
];

export async function analyseMqttChunk(dist = 'dist'): Promise<Section> {
  const source = readFileSync('node_modules/mqtt/dist/mqtt.js', 'utf8');
  const pieces: { path: string; code: string }[] = [];
  let current = { path: '(bundle prologue)', code: '' };
  for (const line of source.split('\n')) {
    const marker = line.match(/^\s*\/\/ ((?:node_modules|build|src)\/\S+\.(?:js|cjs|mjs|ts))$/);
    if (marker) pieces.push(current), (current = { path: marker[1]!, code: '' });
    else current.code += `${line}\n`;
  }
  pieces.push(current);
  const parts = new Map<string, { modules: number; minified: number }>();
  for (const piece of pieces) {
    const minified = await transform(piece.code, { minify: true, loader: 'js', logLevel: 'silent' }).then(
      (r) => r.code.length,
      () => Buffer.byteLength(piece.code), // a piece esbuild cannot read alone counts as it is
    );
    const group = GROUPS.find(([re]) => re.test(piece.path))?.[1] ?? 'other (bundle glue, prologue)';
    const part = parts.get(group) ?? { modules: 0, minified: 0 };
    part.modules += 1;
    part.minified += minified;
    parts.set(group, part);
  }
  const total = [...parts.values()].reduce((n, p) => n + p.minified, 0);
  const worker = readFileSync(join(dist, 'assets', readdirSync(join(dist, 'assets')).find((f) => f.startsWith('engine.worker-') && f.endsWith('.js'))!), 'utf8');
  const chunk = worker.match(/import\(`\.\/(mqtt-[^`]+\.js)`\)/)![1]!;
  const chunkSize = compressed(readFileSync(join(dist, 'assets', chunk)));
  const parley = ['index.ts', 'payload.ts', 'session.ts', 'topics.ts'].map((f) => readFileSync(`worker/transports/mqtt/${f}`, 'utf8')).join('\n');
  const parleyMin = (await transform(parley, { minify: true, loader: 'ts', logLevel: 'silent' })).code.length;
  const mqttShare = 1 - parleyMin / chunkSize.raw;
  const body = [...parts.entries()]
    .sort((a, b) => b[1].minified - a[1].minified)
    .map(([name, p]) => [name, p.modules, (p.minified / 1024).toFixed(1), `${((100 * p.minified) / total).toFixed(1)}%`, ((mqttShare * chunkSize.gzip * p.minified) / total / 1024).toFixed(1)]);
  body.push(['Parley\'s own MQTT transport (worker/transports/mqtt)', 4, (parleyMin / 1024).toFixed(1), '', ((chunkSize.gzip * (1 - mqttShare)) / 1024).toFixed(1)]);
  return {
    rows: [],
    tables: [
      {
        title: `MQTT chunk ${chunk}: ${(chunkSize.raw / 1024).toFixed(1)} kB raw, ${(chunkSize.gzip / 1024).toFixed(1)} kB gzip. Parts of mqtt.js ${JSON.parse(readFileSync('node_modules/mqtt/package.json', 'utf8')).version} (from its unminified dist/mqtt.js, each module minified alone; gzip is the part's share of the chunk's, an estimate)`,
        head: ['part', 'modules', 'minified kB', 'share of mqtt.js', 'est. gzip kB in chunk'],
        body,
      },
    ],
  };
}
