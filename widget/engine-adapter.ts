import type { ChatMessage, HistoryPage, OpenResult } from '../worker/api.ts';
import { PERMANENT_REFUSALS } from '../worker/codes.ts';

/** Whether Retry can help a failed message: not when the server would refuse it again. */
export const canRetry = (m: ChatMessage): boolean => !m.error || !PERMANENT_REFUSALS.includes(m.error.code);

/** Whether the server may hold history older than what the engine has stored. */
export const serverHasOlder = (opened: OpenResult | undefined, page: HistoryPage): boolean =>
  page.serverMore && opened?.capabilities.serverHistory !== false;
