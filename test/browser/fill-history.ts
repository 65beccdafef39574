import type { ChatMessage } from '../../worker/api.ts';

/**
 * Writes `count` messages from peers straight into the engine's IndexedDB (`parley:<engine>`,
 * worker/engine.worker.ts), in one transaction. Sending them through the engine would
 * take minutes for 100 000; the engine reads them back as it would its own writes.
 */
export async function fillHistory(engine: string, conversation: string, count: number, newest = Date.now()): Promise<ChatMessage[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(`parley:${engine}`);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const room = conversation.slice(conversation.lastIndexOf('#') + 1);
  const messages: ChatMessage[] = Array.from({ length: count }, (_, i) => ({
    id: `h${String(i).padStart(7, '0')}`,
    conversation,
    room,
    from: i % 3 === 0 ? 'Cy' : 'Bob',
    text: `history ${i}`,
    // One a second up to `newest`: a day separator every 86 400 messages.
    ts: newest - (count - i) * 1000,
    // Its place in the server's order (worker/order.ts), as the engine stores it: before any
    // real relay sequence number, since this history is older than what the test sends.
    order: i - count,
    mine: false,
  }));
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('messages', 'readwrite');
    const store = tx.objectStore('messages');
    for (const m of messages) store.put(m);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  return messages;
}
