/**
 * Timestamps that keep arrival order. History and the UI sort by `ts`, but Prosody 0.12 stamps
 * archived and delayed messages to the second (util.datetime), and a burst delivered at once
 * shares one millisecond; a tie would fall back to the random client id. So, per conversation,
 * a message stamped within a second at or before the previous one gets previous + 1 ms.
 * Messages that are clearly older (a page of earlier history) keep their own time.
 */
const TIE_WINDOW = 1000;

const last = new Map<string, number>();

export function ordered(conversation: string, ts: number): number {
  const previous = last.get(conversation) ?? -Infinity;
  const next = ts <= previous && previous - ts < TIE_WINDOW ? previous + 1 : ts;
  last.set(conversation, Math.max(previous, next));
  return next;
}
