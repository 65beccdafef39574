import { bare, domainOf } from './address.ts';

/** How many sent ids are remembered for checking bounces; the oldest are forgotten first. */
const REMEMBERED = 1_000;

/**
 * Who may bounce a message we sent (RFC 6120 §8.3): the address we sent it to, that address's
 * server, or our own server. Anyone else who learnt the id (every occupant of a MUC room sees
 * it) could otherwise mark our message failed. Kept in the connection's session, so a bounce
 * that arrives on a later link is still recognised; a bounce for a message sent before the
 * engine started is ignored, as its address is no longer known.
 */
export class Bounces {
  /** id → bare JID it was sent to, oldest first. */
  readonly #to = new Map<string, string>();

  sent(id: string, to: string): void {
    this.#to.delete(id);
    this.#to.set(id, bare(to));
    if (this.#to.size > REMEMBERED) this.#to.delete(this.#to.keys().next().value!);
  }

  /** Whether `from` (a bounce's sender; absent when our server sent it) may bounce `id`. */
  mayBounce(id: string, from: string | undefined, ownDomain: string): boolean {
    const sender = bare(from);
    if (!sender || sender === ownDomain.toLowerCase()) return true;
    const to = this.#to.get(id);
    return to !== undefined && (sender === to || sender === domainOf(to));
  }
}
