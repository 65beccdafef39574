import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressed } from './compress.ts';
import type { Section } from './results.ts';
import { charsBySource } from './source-map.ts';

/**
 * Item 1's bundle analysis of the MQTT chunk: what each part of it weighs. The chunk is
 * worker/transports/mqtt/*.ts plus mqtt.js's client built from its modules, with Node-only
 * modules mapped onto worker/transports/mqtt/lite/. Its source map says which source each
 * run of output characters came from: each part gets those characters, and its share of the
 * chunk's real gzip size, an estimate, as gzip does not add up across pieces.
 */
const GROUPS: [RegExp, string][] = [
  [/node_modules\/mqtt\/build\/lib\/client\.js/, 'mqtt.js client (lib/client)'],
  [/node_modules\/mqtt\/build\/lib\/handlers\//, 'mqtt.js packet handlers (lib/handlers)'],
  [/node_modules\/mqtt\/build\//, 'mqtt.js other modules (store, validations, topic aliases, ids)'],
  [/node_modules\/mqtt-packet\//, 'mqtt-packet (encoder, parser)'],
  [/node_modules\/(buffer|ieee754|base64-js)\//, 'Buffer (the buffer package, ieee754, base64-js)'],
  [/node_modules\/bl\//, 'bl BufferList (mqtt-packet\'s parser)'],
  [/node_modules\/events\//, 'events (EventEmitter)'],
  [/node_modules\/rfdc\//, 'rfdc (deep copy)'],
  [/worker\/transports\/mqtt\/lite\//, 'Parley\'s stand-ins and WebSocket stream (transports/mqtt/lite)'],
  [/worker\/transports\/mqtt\//, 'Parley\'s own MQTT transport (transports/mqtt)'],
  [/worker\//, 'Parley code shared with the engine'],
];

export async function analyseMqttChunk(dist = 'dist'): Promise<Section> {
  const assets = join(dist, 'assets');
  const worker = readFileSync(join(assets, readdirSync(assets).find((f) => f.startsWith('engine.worker-') && f.endsWith('.js'))!), 'utf8');
  const chunk = worker.match(/import\(`\.\/(mqtt-[^`]+\.js)`\)/)![1]!;
  const code = readFileSync(join(assets, chunk), 'utf8');
  const map = JSON.parse(readFileSync(join(assets, `${chunk}.map`), 'utf8')) as { sources: string[]; mappings: string };
  const size = compressed(Buffer.from(code));
  const bySource = charsBySource(code, map.mappings);
  const parts = new Map<string, { modules: Set<string>; chars: number }>();
  for (const [index, chars] of bySource) {
    const source = index < 0 ? '(no source: bundle glue)' : map.sources[index]!.replace(/\\/g, '/');
    const group = index < 0 ? 'bundle glue (imports, module wrappers)' : (GROUPS.find(([re]) => re.test(source))?.[1] ?? 'other');
    const part = parts.get(group) ?? { modules: new Set<string>(), chars: 0 };
    part.modules.add(source);
    part.chars += chars;
    parts.set(group, part);
  }
  const body = [...parts.entries()]
    .sort((a, b) => b[1].chars - a[1].chars)
    .map(([name, p]) => [name, p.modules.size, (p.chars / 1024).toFixed(1), `${((100 * p.chars) / code.length).toFixed(1)}%`, ((size.gzip * p.chars) / code.length / 1024).toFixed(1)]);
  return {
    rows: [],
    tables: [
      {
        title: `MQTT chunk ${chunk}: ${(size.raw / 1024).toFixed(1)} kB raw, ${(size.gzip / 1024).toFixed(1)} kB gzip, parts by its source map (gzip is the part's share of the chunk's, an estimate)`,
        head: ['part', 'modules', 'minified kB', 'share of chunk', 'est. gzip kB'],
        body,
      },
    ],
  };
}
