import { transferHandlers, type TransferHandler } from 'comlink';
import { isErrorCode, type ErrorCode } from './codes.ts';

/**
 * How a rejected engine call crosses comlink, in both directions. Comlink's own `throw`
 * handler keeps only an error's message, name and stack, so a tab could not tell "empty" from
 * "outbox-full" but by the wording. Both sides install this one; it imports nothing from the
 * engine or the widget (only the closed list of codes), so each side may load it.
 */

/** Plain data, so structured clone carries it as is. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** An error from the other side of the port, with the code it was thrown with. */
export class RemoteError extends Error {
  override name = 'ParleyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Anything thrown becomes a known code: one of ours, or `internal` (the message says more). */
export const toWireError = (e: unknown): WireError => {
  const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
  return {
    code: isErrorCode(code) ? code : 'internal',
    message: e instanceof Error ? e.message : String(e),
  };
};

let installed = false;

/** Idempotent; call before the first `wrap()` or `expose()` on either side. */
export function installErrorTransfer(): void {
  const builtIn = transferHandlers.get('throw');
  if (installed || !builtIn) return;
  installed = true;
  const handler: TransferHandler<{ value: unknown }, WireError> = {
    // Comlink marks a thrown value with a private symbol; only its own handler knows the mark.
    canHandle: builtIn.canHandle as TransferHandler<{ value: unknown }, WireError>['canHandle'],
    serialize: ({ value }) => [toWireError(value), []],
    deserialize: (wire) => {
      // Comlink rethrows what this throws. A code from an older or newer engine is kept out of
      // the closed union.
      throw new RemoteError(isErrorCode(wire.code) ? wire.code : 'internal', String(wire.message));
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
