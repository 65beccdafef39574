/**
 * Stands in for `worker-timers` in mqtt.js's keepalive: it runs timers in a worker of its own so
 * that a background tab does not throttle them, but the engine already runs in a worker, and
 * the transport switches mqtt.js's keepalive off (worker/transports/mqtt/session.ts).
 */
export const setInterval = (callback: () => void, ms: number): number => globalThis.setInterval(callback, ms) as unknown as number;
export const clearInterval = (id: number): void => globalThis.clearInterval(id);
export const setTimeout = (callback: () => void, ms: number): number => globalThis.setTimeout(callback, ms) as unknown as number;
export const clearTimeout = (id: number): void => globalThis.clearTimeout(id);
