/**
 * Which node of a cluster to try next. A failed attempt or a dropped link moves to another URL
 * at once; only when every URL has failed since the last wait (a round) does the engine wait
 * out its backoff, so one dead node never delays the switch to a live one.
 *
 * The first URL is the preferred one: each switch goes to the first URL, in list order, that has
 * not failed in this round. A link that fell back to another node keeps it while it works
 * (dropping a working link to go home would cost the visitor a reconnect); after a later drop,
 * the first URL is tried again.
 *
 * With one URL this is the plain engine: every failure ends a round and waits.
 */
export class ServerList {
  readonly urls: readonly string[];
  #current = 0;
  /** Indexes of the URLs that failed in this round. */
  readonly #failed = new Set<number>();

  constructor(urls: readonly string[]) {
    if (urls.length === 0) throw new Error('The server list is empty.');
    this.urls = urls;
  }

  /** The URL in use, or the one to try next. */
  get current(): string {
    return this.urls[this.#current]!;
  }

  /** The link is open: a later failure starts a new round. */
  opened(): void {
    this.#failed.clear();
  }

  /**
   * The attempt failed or the link dropped. Returns true when another URL is left to try at
   * once; false when the round is over and the caller waits out its backoff before trying the
   * first URL again.
   */
  failed(): boolean {
    this.#failed.add(this.#current);
    const untried = this.urls.findIndex((_, i) => !this.#failed.has(i));
    if (untried >= 0) {
      this.#current = untried;
      return true;
    }
    this.#failed.clear();
    this.#current = 0;
    return false;
  }
}
