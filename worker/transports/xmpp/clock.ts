/**
 * Timestamps that keep archive and arrival order. History and the UI sort by `ts`, but Prosody
 * 0.12 stamps archived and delayed messages to the second (util.datetime), and a burst
 * delivered at once shares one millisecond; a tie would fall back to the random client id.
 * One clock per connection (made with the XMPP session: newSession, worker/transports/xmpp/session.ts), so its
 * maps die with the connection; it only ever holds rooms that were joined.
 */
const TIE_WINDOW = 1000;

export class Clock {
  /** Per room: the newest and the oldest ts handed out. */
  readonly #newest = new Map<string, number>();
  readonly #oldest = new Map<string, number>();

  #noteOldest(room: string, ts: number): void {
    this.#oldest.set(room, Math.min(this.#oldest.get(room) ?? Infinity, ts));
  }

  /**
   * A message that is new to us (live, or a catch-up page): stamped within a second at or before
   * the previous one, it gets previous + 1 ms. Clearly older messages keep their own time.
   */
  ordered(room: string, ts: number): number {
    const previous = this.#newest.get(room) ?? -Infinity;
    const next = ts <= previous && previous - ts < TIE_WINDOW ? previous + 1 : ts;
    this.#newest.set(room, Math.max(previous, next));
    this.#noteOldest(room, next);
    return next;
  }

  /** A page of older history, oldest first: strictly increasing, and all before what is shown. */
  orderedBefore(room: string, stamps: number[]): number[] {
    const out: number[] = [];
    let next = this.#oldest.get(room) ?? Infinity;
    for (let i = stamps.length - 1; i >= 0; i--) {
      next = Math.min(stamps[i]!, next - 1);
      out[i] = next;
    }
    if (out.length) this.#noteOldest(room, out[0]!);
    return out;
  }
}
