import type { ChatMessage } from '../../worker/api.ts';
import { isPending } from '../../worker/order.ts';
import { compareMessages } from '../message-list/rows.ts';
import { isForward } from './status-order.ts';

/**
 * `list` with `incoming` added, once each by id, in list order (a new array; `list` is not
 * changed). A stale copy (a history page read before the ack) keeps what the known one has
 * learnt since: its status, and its place in the server's order once it has one (a place is
 * given once and never taken back: worker/order.ts).
 */
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  // The usual case, one new message after the last: appended, without sorting the list again.
  const [one] = incoming;
  const last = list.at(-1);
  if (incoming.length === 1 && one && (!last || compareMessages(last, one) < 0) && !list.some((m) => m.id === one.id)) return [...list, one];
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    const order = known && !isPending(known.order) && isPending(m.order) ? known.order : m.order;
    byId.set(m.id, known && !isForward(known.status, m.status) ? { ...m, status: known.status, error: known.error, order } : m);
  }
  return [...byId.values()].sort(compareMessages);
}
