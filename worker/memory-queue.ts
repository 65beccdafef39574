import type { ChatMessage } from './api.ts';

/**
 * Own messages queued in memory only (docs/engine.md, "Write-behind"): the tabs were told of
 * each, and it may be on the wire, but its outbox record failed to commit (a full disk). With
 * no record for a drain pass to read or an answer to move, Delivery keeps them here: a pass
 * sends them after the stored queue, and their answer takes them out. A new engine forgets them.
 */
export class MemoryQueue {
  /** id → message, in the order send() queued them (a Map keeps insertion order). */
  readonly #messages = new Map<string, ChatMessage>();

  add(message: ChatMessage): void {
    this.#messages.set(message.id, message);
  }

  /** The message `id`, if it is queued here. */
  get(id: string): ChatMessage | undefined {
    return this.#messages.get(id);
  }

  /** A drain pass's read, as Outbox.queue: the messages here, oldest first, but those `skip` names (in flight already). */
  queue(skip: (id: string) => boolean): ChatMessage[] {
    return [...this.#messages.values()].filter((m) => !skip(m.id));
  }

  /** Out of the queue: its answer came, or its echo stored it after all. Returns it if it was here. */
  remove(id: string): ChatMessage | undefined {
    const message = this.#messages.get(id);
    this.#messages.delete(id);
    return message;
  }
}
