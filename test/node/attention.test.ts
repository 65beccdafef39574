import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, EngineEvent, UnreadCount } from '../../worker/api.ts';
import { Attention } from '../../worker/attention.ts';
import { batchEvents } from '../../worker/event-batch.ts';
import type { ReadState } from '../../worker/read-state.ts';
import { UNREAD_MAX } from '../../worker/read-state.ts';
import type { Tabs } from '../../worker/tabs.ts';
import { realTimers } from '../../worker/timers.ts';

/**
 * Unread counts and alerts for new messages (worker/attention.ts, worker/unread-counter.ts),
 * with one hidden tab behind the engine's event batching (worker/event-batch.ts) and a read
 * cursor whose counts the test sets. The tab's listener records what crosses to it, batch by batch.
 */
function setup(stored: UnreadCount | undefined) {
  let count = stored;
  const reads = { counts: 0 };
  const fakeReads = {
    counted: async () => (reads.counts++, count),
  } as unknown as ReadState;
  const batches: EngineEvent[][] = [];
  const listener = batchEvents((e) => void batches.push(e.type === 'batch' ? e.events : [e]));
  const tabs = {
    broadcast: (_match: unknown, event: EngineEvent) => listener(event),
    sendTo: (_tab: string, event: EngineEvent) => listener(event),
    showing: () => ['tab'],
  } as unknown as Tabs;
  const attention = new Attention(fakeReads, tabs, realTimers);
  attention.visibility('tab', false);
  let order = 10;
  const message = (o: Partial<ChatMessage> = {}): ChatMessage => ({
    id: crypto.randomUUID(), conversation: 'c', room: 'r', from: 'Ann', text: 'hi', ts: Date.now(), order: ++order, mine: false, ...o,
  });
  /** As Engine.#emit does for a message from someone else: attention first, then the broadcast. */
  const arrive = (m: ChatMessage) => {
    attention.arrived(m);
    tabs.broadcast(() => true, { type: 'message', message: m });
  };
  // Counting, alert batching and event batching all run on microtasks (the fake count
  // resolves at once): a macrotask runs only once they are all done.
  const settle = () => new Promise((r) => setImmediate(r));
  return { attention, batches, reads, message, arrive, settle, setStored: (c: UnreadCount) => (count = c) };
}

const kinds = (batch: EngineEvent[]) => batch.map((e) => (e.type === 'unread' ? `unread ${e.unread}` : e.type)).sort();

describe('Attention', () => {
  it('counts a new message from memory once the count is known, and sends it with the message and its alert in one batch', async () => {
    // What the first read finds: the first message stored, after the cursor.
    const { batches, reads, message, arrive, settle } = setup({ read: 10, unread: 1 });
    arrive(message());
    await settle();
    assert.equal(reads.counts, 1, 'the first message reads the count');
    batches.length = 0;
    arrive(message());
    arrive(message());
    await settle();
    assert.equal(reads.counts, 1, 'later ones are counted from memory');
    assert.deepEqual(batches.map(kinds), [['alert', 'message', 'message', 'unread 2', 'unread 3']], 'one batch: one task in the tab');
  });

  it('does not count a message at or before the read cursor, stops at UNREAD_MAX, and reads again when the cursor moves', async () => {
    const { attention, batches, reads, message, arrive, settle, setStored } = setup({ read: 10, unread: UNREAD_MAX - 1 });
    arrive(message({ order: 5 }));
    await settle();
    batches.length = 0;
    arrive(message({ order: 7 }));
    arrive(message());
    arrive(message());
    await settle();
    const counts = batches.flat().flatMap((e) => (e.type === 'unread' ? [e.unread] : []));
    assert.deepEqual(counts, [UNREAD_MAX], 'the old one adds nothing, the next reaches the cap, the last stays there');
    assert.equal(reads.counts, 1);
    setStored({ read: 40, unread: 0 });
    await attention.recount('c');
    assert.equal(reads.counts, 2);
    assert.deepEqual(batches.at(-1), [{ type: 'unread', conversation: 'c', read: 40, unread: 0 }]);
  });

  it('reads the count for every message while the conversation has no read cursor yet (its backlog is not unread)', async () => {
    const { batches, reads, message, arrive, settle } = setup(undefined);
    arrive(message());
    await settle();
    arrive(message());
    await settle();
    assert.equal(reads.counts, 2);
    const counts = batches.flat().filter((e) => e.type === 'unread');
    assert.deepEqual(counts, [{ type: 'unread', conversation: 'c', read: 0, unread: 0 }], 'told once that nothing is unread');
  });
});
