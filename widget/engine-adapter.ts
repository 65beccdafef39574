import type { ChatMessage, ErrorInfo, HistoryPage, OpenResult } from '../worker/api.ts';
import { PERMANENT_REFUSALS, type ErrorCode } from '../worker/codes.ts';

/**
 * The only places where the widget reads engine fields that are changing shape in worker/api.ts
 * (`error` becomes an ErrorInfo, `seq` becomes `cursor`, OpenResult gains `capabilities`). Each
 * accepts both shapes, so the engine can change first and these shrink to one line afterwards.
 */

/** Why a message failed, as code and words; `undefined` when it did not fail. */
export function messageError(m: ChatMessage): Partial<ErrorInfo> | undefined {
  const error: unknown = (m as { error?: unknown }).error;
  if (error === undefined || error === null || error === '') return undefined;
  if (typeof error === 'string') return { message: error };
  if (typeof error === 'object') {
    const { code, message } = error as Partial<Record<'code' | 'message', unknown>>;
    return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : '' };
  }
  return { message: String(error) };
}

/** Whether Retry can help a failed message: not when the server would refuse it again. */
export const canRetry = (m: ChatMessage): boolean =>
  !PERMANENT_REFUSALS.includes(messageError(m)?.code as ErrorCode);

/**
 * The server's position of a message (relay sequence, archive id), once known. Not used for
 * order yet: the engine will hand messages over in server order (issue 9, engine side).
 */
export const serverPosition = (m: ChatMessage): number | string | undefined =>
  (m as { cursor?: number | string }).cursor ?? m.seq;

/** Whether the server may hold history older than what the engine has stored. */
export function serverHasOlder(opened: OpenResult | undefined, page: HistoryPage): boolean {
  const capabilities = (opened as { capabilities?: { serverHistory?: boolean } } | undefined)?.capabilities;
  return page.serverMore && capabilities?.serverHistory !== false;
}
