import { Buffer } from 'buffer';

/**
 * Stands in for `rfdc/default`, with which mqtt.js copies a PUBLISH packet before keeping it in
 * its outgoing store: rfdc reads a global `Buffer`, which a worker does not have. The same copy
 * for the plain data a packet holds: bytes (as a Buffer), arrays, Maps, Sets, Dates, objects.
 */
export default function deepCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return Buffer.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) as T;
  if (value instanceof Date) return new Date(value) as T;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepCopy(v)])) as T;
  if (value instanceof Set) return new Set([...value].map(deepCopy)) as T;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = deepCopy(v);
  return copy as T;
}
