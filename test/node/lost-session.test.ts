import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, Gap } from '../../worker/api.ts';
import { clientIdFor } from '../../worker/transports/mqtt/session.ts';
import { SessionWatch } from '../../worker/transports/mqtt/session-watch.ts';
import { buildRows } from '../../widget/message-list/rows.ts';

describe('SessionWatch: a lost MQTT session (worker/transports/mqtt/session-watch.ts)', () => {
  it('says nothing on a first connect, and reports sessionPresent=0 once a SUBACK made a session', () => {
    const watch = new SessionWatch();
    assert.equal(watch.connected(false), false, 'a first visit has no session to lose');
    watch.subscribed();
    watch.closed();
    assert.equal(watch.connected(true), false, 'the session is there');
    watch.subscribed();
    watch.closed();
    assert.equal(watch.connected(false), true, 'the session is gone');
    assert.equal(watch.generation, 0);
  });

  it('moves to a new client id only when a link with sessionPresent=0 closes before its SUBACK', () => {
    const watch = new SessionWatch();
    watch.connected(false);
    watch.subscribed();
    watch.closed();
    assert.equal(watch.generation, 0, 'a normal drop keeps the id');
    // RabbitMQ, the session's node down: CONNACK 0, then the SUBSCRIBE closes the link.
    assert.equal(watch.connected(false), true);
    watch.closed();
    assert.equal(watch.generation, 1);
    // The new id: a fresh session, subscribed; nothing more is lost or changed.
    assert.equal(watch.connected(false), true, 'still expected: the new id has no session yet either');
    watch.subscribed();
    watch.closed();
    assert.equal(watch.generation, 1);
    assert.equal(watch.connected(true), false);
  });

  it('gives generation 0 the usual client id and each later generation another one, all 23 characters', async () => {
    const config = { user: 'ann', url: 'ws://a/ws', urls: ['ws://a/ws', 'ws://b/ws'] };
    const ids = await Promise.all([0, 1, 2].map((g) => clientIdFor('device', config, g)));
    assert.equal(ids[0], await clientIdFor('device', config));
    assert.equal(new Set(ids).size, 3);
    for (const id of ids) assert.match(id, /^parley[0-9a-f]{17}$/);
  });
});

describe('buildRows with gaps (widget/message-list/rows.ts)', () => {
  const message = (id: string, order: number, from = 'bob'): ChatMessage => ({
    id,
    conversation: 'c',
    room: 'r',
    from,
    text: id,
    ts: Date.UTC(2026, 0, 1, 12, 0, order),
    order,
    mine: false,
  });
  const gap = (order: number): Gap => ({ conversation: 'c', order, at: 0 });
  const keys = (rows: ReturnType<typeof buildRows>) => rows.map((r) => (r.gap ? `gap@${r.gap.order}` : r.message.id));

  it('puts each gap line between the messages around its order, and one at the end after the newest', () => {
    const rows = buildRows([message('a', 1), message('b', 2), message('c', 3)], [gap(3.5), gap(1.5)]);
    assert.deepEqual(keys(rows), ['a', 'gap@1.5', 'b', 'c', 'gap@3.5']);
  });

  it('starts a new group after a gap line, so the sender shows again', () => {
    const rows = buildRows([message('a', 1), message('b', 2)], [gap(1.5)]);
    const b = rows.find((r) => r.message?.id === 'b');
    assert.equal(b && !b.gap && b.groupStart, true);
  });

  it('without gaps, builds the same lines as before', () => {
    assert.deepEqual(keys(buildRows([message('a', 1), message('b', 2)])), ['a', 'b']);
  });
});
