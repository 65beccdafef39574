/**
 * Timestamps that keep archive and arrival order. History and the UI sort by `ts`, but Prosody
 * 0.12 stamps archived and delayed messages to the second (util.datetime), and a burst
 * delivered at once shares one millisecond; a tie would fall back to the random client id.
 */
const TIE_WINDOW = 1000;

/** Per conversation: the newest and the oldest ts handed out. */
const newest = new Map<string, number>();
const oldest = new Map<string, number>();

const noteOldest = (conversation: string, ts: number) => oldest.set(conversation, Math.min(oldest.get(conversation) ?? Infinity, ts));

/**
 * A message that is new to us (live, or a catch-up page): stamped within a second at or before
 * the previous one, it gets previous + 1 ms. Clearly older messages keep their own time.
 */
export function ordered(conversation: string, ts: number): number {
  const previous = newest.get(conversation) ?? -Infinity;
  const next = ts <= previous && previous - ts < TIE_WINDOW ? previous + 1 : ts;
  newest.set(conversation, Math.max(previous, next));
  noteOldest(conversation, next);
  return next;
}

/** A page of older history, oldest first: strictly increasing, and all before what is shown. */
export function orderedBefore(conversation: string, stamps: number[]): number[] {
  const out: number[] = [];
  let next = oldest.get(conversation) ?? Infinity;
  for (let i = stamps.length - 1; i >= 0; i--) {
    next = Math.min(stamps[i]!, next - 1);
    out[i] = next;
  }
  if (out.length) noteOldest(conversation, out[0]!);
  return out;
}
