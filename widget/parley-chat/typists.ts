/** A peer that vanishes mid-sentence never sends "stopped"; forget it after this long (ms). */
const TYPING_FORGET = 6_000;

/** Who is typing in the conversation, by the peers' typing events, in the order they started. */
export class Typists {
  names: readonly string[] = [];
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** `changed` runs after each change of `names`. */
  constructor(private readonly changed: () => void) {}

  set(name: string, typing: boolean): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
    const others = this.names.filter((n) => n !== name);
    this.names = typing ? [...others, name] : others;
    if (typing) this.#timers.set(name, setTimeout(() => this.set(name, false), TYPING_FORGET));
    this.changed();
  }

  /** Another conversation: nobody from this one is typing there. */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.names = [];
  }
}
