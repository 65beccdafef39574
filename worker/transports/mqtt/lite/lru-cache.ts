/**
 * Stands in for `lru-cache` in mqtt.js's topic aliases (MQTT 5 only: the transport speaks
 * 3.1.1, so this is never built, but the module is loaded). The calls topic-alias-send makes,
 * on a Map kept in use order.
 */
export class LRUCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly max: number;

  constructor({ max }: { max: number }) {
    this.max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  forEach(callback: (value: V, key: K) => void): void {
    this.#map.forEach((v, k) => callback(v, k));
  }
}
