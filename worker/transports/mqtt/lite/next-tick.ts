/**
 * Stands in for `process-nextick-args` (mqtt-packet's writeToStream: uncork after the packet's
 * pieces are written) and for `process.nextTick` in mqtt.js: a microtask runs at the same point,
 * before any timer or I/O, and needs no `process` polyfill.
 */
export function nextTick(callback: (...args: unknown[]) => void, ...args: unknown[]): void {
  queueMicrotask(() => callback(...args));
}
