import type { ParleyDb } from './db.ts';
import { isPending } from './order.ts';

/**
 * A peer's read marker names one message, and means every message up to it (XEP-0333 §4:
 * "displayed" marks all earlier messages too). Returns the ids of our own messages, newest
 * first, before `id` back to the newest own message that is already `read`: those before it were
 * marked when it was. `id` may be anyone's message (in a room, the reader's newest message may
 * be a third person's), and an unknown id marks nothing.
 */
export async function ownReadUpTo(db: ParleyDb, conversation: string, id: string): Promise<string[]> {
  const tx = db.transaction('messages');
  const target = await tx.store.get([conversation, id]);
  if (!target || isPending(target.order)) return [];
  const upTo = IDBKeyRange.bound([conversation, -Infinity], [conversation, target.order, target.id]);
  const ids: string[] = [];
  for (let row = await tx.store.index('by-conversation-order').openCursor(upTo, 'prev'); row; row = await row.continue()) {
    const m = row.value;
    // The marked message itself goes through Delivery.receipted whatever its state (an ack may still be due).
    if (!m.mine || m.id === id) continue;
    if (m.status === 'read') break;
    if (m.status === 'sent' || m.status === 'delivered') ids.push(m.id);
  }
  await tx.done;
  return ids;
}

/**
 * A peer read up to `id`: that message, and our own before it in each of `conversations`, are
 * read. `receipted` settles one message (Delivery.receipted), the marked one first.
 */
export async function readUpTo(db: ParleyDb, conversations: Iterable<string>, id: string, receipted: (id: string) => Promise<void>): Promise<void> {
  const earlier: string[] = [];
  for (const conversation of conversations) earlier.push(...(await ownReadUpTo(db, conversation, id)));
  await receipted(id);
  for (const own of earlier) await receipted(own);
}
