import type { ChatMessage, ErrorInfo, HistoryPage, OpenResult } from '../worker/api.ts';
import { PERMANENT_REFUSALS } from '../worker/codes.ts';

/** Why a message failed, as code and words; `undefined` when it did not fail. */
export const messageError = (m: ChatMessage): ErrorInfo | undefined => m.error;

/** Whether Retry can help a failed message: not when the server would refuse it again. */
export const canRetry = (m: ChatMessage): boolean => !m.error || !PERMANENT_REFUSALS.includes(m.error.code);

/** Whether the server may hold history older than what the engine has stored. */
export const serverHasOlder = (opened: OpenResult | undefined, page: HistoryPage): boolean =>
  page.serverMore && opened?.capabilities.serverHistory !== false;
