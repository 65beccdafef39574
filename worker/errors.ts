import type { ErrorInfo } from './api.ts';
import type { ErrorCode } from './codes.ts';

/**
 * One base class with a stable `code`. Users see the code and a sentence that says what to do.
 * Errors cross the comlink boundary as {@link ErrorInfo} and are rebuilt on the other side.
 */
export class ParleyError extends Error {
  override name = 'ParleyError';
  constructor(
    readonly code: ErrorCode,
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

/** IndexedDB refused: full (QuotaExceededError), blocked, or closed under us. */
export class StorageError extends ParleyError {
  override name = 'StorageError';
  /** Wraps what IndexedDB threw, keeping its name so a full disk reads as such. */
  static from(e: unknown, context: string): StorageError {
    if (e instanceof StorageError) return e;
    const name = e instanceof Error || e instanceof DOMException ? e.name : String(e);
    return name === 'QuotaExceededError'
      ? new StorageError('storage-quota', `${context} The browser's storage for this site is full (${name}).`)
      : new StorageError('storage', `${context} (${name}: ${e instanceof Error ? e.message : e})`);
  }
}

export const toInfo = (e: unknown): ErrorInfo =>
  e instanceof ParleyError
    ? e.toInfo()
    : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
