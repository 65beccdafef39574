import { MESSAGE_STATUSES, type MessageStatus } from '../../worker/api.ts';
import { canMove } from '../../worker/message-status.ts';

/** Statuses reachable from each status along worker/message-status.ts's table, in any steps. */
const REACHABLE = new Map<MessageStatus, Set<MessageStatus>>(
  MESSAGE_STATUSES.map((from) => {
    const seen = new Set<MessageStatus>();
    const queue: MessageStatus[] = [from];
    while (queue.length) {
      const at = queue.shift()!;
      // The walk stops at `failed`, which a sent message reaches only by a bounce: through it,
      // everything would be reachable, and a stale `sending` could move a sent message back.
      if (at !== from && at === 'failed') continue;
      for (const to of MESSAGE_STATUSES) if (canMove(at, to) && !seen.has(to)) (seen.add(to), queue.push(to));
    }
    return [from, seen];
  }),
);

/**
 * Whether a report of `to` is news for a message the widget shows as `from`. Reports can
 * overtake each other (a history page read before an ack event): one that the table cannot
 * reach from what is shown would move the message backwards, and is ignored.
 */
export const isForward = (from: MessageStatus | undefined, to: MessageStatus | undefined): boolean =>
  !from || !to || from === to || (REACHABLE.get(from)?.has(to) ?? false);
