import type { EngineEvent } from '../../worker/api.ts';
import type { EngineClient } from '../engine-client.ts';

/**
 * One attach's subscription to the engine's events (widget/parley-chat/session.ts). Events that
 * come while `open()` is on its way back are held and handed over, marked early, after the page
 * it returns: that page and state were read before some of them (a message stored, a status
 * moved, the server's `joined` on a link that is up), and dropping them would lose them to this
 * tab until a reload.
 */
export class EarlyEvents {
  /** Undefined once released or closed: events then go straight through. */
  #held?: EngineEvent[] = [];
  readonly #unsubscribe: () => void;

  /** `deliver` gets each event; `early` when it came before the open's answer. */
  constructor(
    client: EngineClient,
    private readonly deliver: (event: EngineEvent, early: boolean) => void,
  ) {
    this.#unsubscribe = client.on((event) => (this.#held ? this.#held.push(event) : deliver(event, false)));
  }

  /** The open has answered (or failed): stops holding, and hands over what it held. */
  release(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    for (const event of held) this.deliver(event, true);
  }

  /** The session detaches: nothing more is delivered, held or not. */
  close(): void {
    this.#held = undefined;
    this.#unsubscribe();
  }
}
