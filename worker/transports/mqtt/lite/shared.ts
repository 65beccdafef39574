import { nextTick } from './next-tick.ts';

/**
 * Stands in for mqtt.js's `lib/shared` (same exports), whose `nextTick` reads `process?.nextTick`,
 * which throws where there is no `process` at all (a worker without polyfills), and whose
 * version is read from mqtt's package.json.
 */
export class ErrorWithReasonCode extends Error {
  constructor(
    message: string,
    public code: number,
  ) {
    super(message);
    this.name = 'ErrorWithReasonCode';
  }
}

export class ErrorWithSubackPacket extends Error {
  constructor(
    message: string,
    public packet: unknown,
  ) {
    super(message);
    this.name = 'ErrorWithSubackPacket';
  }
}

/** Copies the methods of `mixin` and its ancestors onto `target` (as mqtt.js's own does). */
export function applyMixin(target: { prototype: object }, mixin: { prototype: object }, includeConstructor = false): void {
  const chain: { prototype: object }[] = [mixin];
  for (;;) {
    const base = Object.getPrototypeOf(chain[0]) as { prototype?: object } | null;
    if (base?.prototype) chain.unshift(base as { prototype: object });
    else break;
  }
  for (const ctor of chain)
    for (const prop of Object.getOwnPropertyNames(ctor.prototype))
      if (includeConstructor || prop !== 'constructor')
        Object.defineProperty(target.prototype, prop, Object.getOwnPropertyDescriptor(ctor.prototype, prop) ?? Object.create(null));
}

export { nextTick };

/** Only shown in mqtt.js's own logs, which are off (debug.cjs). */
export const MQTTJS_VERSION = '5';
