import type { ErrorInfo } from './api.ts';

/**
 * One base class with a stable `code`. Users see the code and a sentence that says what to do.
 * Errors cross the comlink boundary as {@link ErrorInfo} and are rebuilt on the other side.
 */
export class ParleyError extends Error {
  override name = 'ParleyError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** A frame we could not understand. The link stays up. */
export class ProtocolError extends ParleyError {
  override name = 'ProtocolError';
}

/** The caller asked for something we cannot do: empty or oversized text, full outbox. */
export class ValidationError extends ParleyError {
  override name = 'ValidationError';
}

export const toInfo = (e: unknown): ErrorInfo =>
  e instanceof ParleyError
    ? e.toInfo()
    : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
