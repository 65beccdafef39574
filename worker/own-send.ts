/**
 * The engine's two steps for a message a visitor sends: a repeat of an earlier call is found
 * (SendOptions.id), and a new message is queued and the tabs are told of it.
 */

import type { ChatMessage, EngineEvent } from './api.ts';
import type { Connection } from './connection.ts';
import type { StoredMessage } from './db.ts';
import { ValidationError } from './errors.ts';
import type { History } from './history.ts';
import type { Outbox } from './outbox.ts';
import { checkId } from './own-message.ts';

/**
 * What an earlier call with the same caller-picked id stored, if anything. The fallback's
 * followers send again a call that their dead leader left unanswered
 * (worker/fallback/tab.worker.ts): that repeat gets what was stored, not a second copy. A
 * malformed id, or one that names someone else's message, is refused: taking it would hide
 * one of the two.
 */
export async function earlierSend(history: History, conversation: string, id: string | undefined): Promise<StoredMessage | undefined> {
  if (id === undefined) return undefined;
  checkId(id);
  const known = await history.get(conversation, id);
  if (known && !known.mine) throw new ValidationError('bad-id', `The message id "${id}" is taken by a message from ${known.from}.`);
  return known;
}

/**
 * Queues a new text message and tells the tabs of it. The tabs are told, and the frame may go
 * out, as soon as the record's write is issued, before its commit (docs/engine.md,
 * "Write-behind"). Rejects only if the message was refused before that (a full outbox): the
 * caller keeps the text. A commit that fails after it leaves the message to Delivery's memory.
 */
export async function queueOwn(message: ChatMessage, connection: Connection, outbox: Outbox, emit: (event: EngineEvent) => void): Promise<void> {
  let told = false;
  const tell = () => {
    told = true;
    emit({ type: 'message', message });
    connection.delivery.added(message);
  };
  try {
    await outbox.add(message, connection.key, undefined, tell);
  } catch (e) {
    if (!told) throw e;
    connection.delivery.unkept(message, e);
  }
  // A batch counted message by message (near the bound) commits before it is told.
  if (!told) tell();
}
