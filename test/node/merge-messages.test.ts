import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeMessages } from '../../widget/parley-chat/merge-messages.ts';
import type { ChatMessage } from '../../worker/api.ts';
import { pendingOrder } from '../../worker/order.ts';

const message = (id: string, order: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  conversation: 'c',
  room: 'r',
  from: 'ann',
  text: id,
  ts: 1_000 + order,
  order,
  mine: false,
  ...extra,
});

describe('mergeMessages', () => {
  it('adds each message once, in the server order, whatever order they come in', () => {
    const list = mergeMessages([message('b', 2)], [message('c', 3), message('a', 1), message('b', 2)]);
    assert.deepEqual(list.map((m) => m.id), ['a', 'b', 'c']);
  });

  it('keeps a newer status and the place a message was given against a stale copy', () => {
    const sent = message('own', 5, { mine: true, status: 'delivered' });
    // A history page read before the ack: still `sending`, still pending.
    const stale = message('own', pendingOrder(1_005), { mine: true, status: 'sending' });
    const [merged] = mergeMessages([sent], [stale]);
    assert.equal(merged?.status, 'delivered');
    assert.equal(merged?.order, 5);
    // A newer status does move it.
    const [read] = mergeMessages([sent], [{ ...sent, status: 'read' }]);
    assert.equal(read?.status, 'read');
  });

  it('leaves the list it was given unchanged', () => {
    const list = [message('a', 1)];
    mergeMessages(list, [message('b', 2)]);
    assert.deepEqual(list.map((m) => m.id), ['a']);
  });
});
