import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInbound, EARLIEST_TS, INBOUND_LIMITS, MAX_FUTURE, type RawInbound } from '../../worker/transports/inbound.ts';

/** The one schema every transport applies to inbound messages (worker/transports/inbound.ts). */
const NOW = 1_764_000_000_000;
const rules = { now: NOW, unknownSender: 'someone' };
const good: RawInbound = { id: 'm1', room: 'lobby', from: 'ann', text: 'hi <b>', ts: NOW - 5_000 };

const accepted = (raw: RawInbound) => {
  const checked = checkInbound(raw, rules);
  assert.equal(checked.ok, true, checked.ok ? '' : checked.error.message);
  return (checked as Extract<typeof checked, { ok: true }>).message;
};
const refused = (raw: RawInbound) => {
  const checked = checkInbound(raw, rules);
  assert.equal(checked.ok, false, `accepted ${JSON.stringify(raw)}`);
  const { error } = checked as Extract<typeof checked, { ok: false }>;
  assert.equal(error.code, 'bad-message');
  return error.message;
};

describe('inbound message schema', () => {
  it('passes a sane message through unchanged, as a fresh object without tsReplaced', () => {
    const message = accepted(good);
    assert.deepEqual(message, { id: 'm1', room: 'lobby', from: 'ann', text: 'hi <b>', ts: NOW - 5_000 });
    assert.notEqual(message, good);
  });

  it('replaces a time outside [2000-01-01, arrival + 24 h], or not a number, by the arrival time and says so', () => {
    for (const ts of [1e20, -1, 0, EARLIEST_TS - 1, NOW + MAX_FUTURE + 1, NaN, Infinity, 'bogus', '1764000000000', null, undefined, {}]) {
      const message = accepted({ ...good, ts });
      assert.equal(message.ts, NOW, String(ts));
      assert.equal(message.tsReplaced, true, String(ts));
      assert.doesNotThrow(() => new Date(message.ts).toISOString());
    }
  });

  it('keeps a time at the edges of the window', () => {
    for (const ts of [EARLIEST_TS, NOW + MAX_FUTURE]) {
      const message = accepted({ ...good, ts });
      assert.equal(message.ts, ts);
      assert.equal('tsReplaced' in message, false);
    }
  });

  it('drops fields that are not in the schema', () => {
    const raw = { ...good, html: '<img onerror=alert(1)>', seq: 7, __proto__: { polluted: true } } as RawInbound;
    const message = accepted(raw);
    assert.deepEqual(Object.keys(message).sort(), ['from', 'id', 'room', 'text', 'ts']);
    assert.equal((message as unknown as { polluted?: boolean }).polluted, undefined);
  });

  it('shows the transport\'s placeholder for an empty or missing sender', () => {
    for (const from of ['', undefined, null]) assert.equal(accepted({ ...good, from }).from, 'someone');
  });

  it('keeps a well-formed cursor of either kind and drops any other', () => {
    assert.deepEqual(accepted({ ...good, cursor: { kind: 'seq', seq: 42 } }).cursor, { kind: 'seq', seq: 42 });
    assert.deepEqual(accepted({ ...good, cursor: { kind: 'archive', id: 'A1', extra: 1 } }).cursor, { kind: 'archive', id: 'A1' });
    for (const cursor of [{ kind: 'seq', seq: -1 }, { kind: 'seq', seq: 1.5 }, { kind: 'seq', seq: '4' }, { kind: 'archive', id: '' }, { kind: 'other' }, 42, 'x'])
      assert.equal('cursor' in accepted({ ...good, cursor }), false, JSON.stringify(cursor));
  });

  it('refuses what it cannot repair, naming the field', () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases: [Partial<RawInbound>, RegExp][] = [
      [{ id: undefined }, /"id" must be a string of 1 to 128 characters, not missing/],
      [{ id: '' }, /"id".*not 0 characters/],
      [{ id: 42 }, /"id".*not a number/],
      [{ id: long(INBOUND_LIMITS.id + 1) }, /"id".*not 129 characters/],
      [{ room: '' }, /"room"/],
      [{ room: long(INBOUND_LIMITS.room + 1) }, /"room"/],
      [{ text: 42 }, /"text" must be a string, not a number/],
      [{ text: null }, /"text" must be a string, not null/],
      [{ text: long(INBOUND_LIMITS.text + 1) }, /"text" has 65537 characters, more than 65536/],
      [{ from: 7 }, /"from".*not a number/],
      [{ from: long(INBOUND_LIMITS.name + 1) }, /"from".*not 257 characters/],
    ];
    for (const [change, reason] of cases) assert.match(refused({ ...good, ...change }), reason);
  });

  it('accepts the longest allowed id, name and text', () => {
    const max = accepted({ ...good, id: 'i'.repeat(INBOUND_LIMITS.id), from: 'n'.repeat(INBOUND_LIMITS.name), text: 't'.repeat(INBOUND_LIMITS.text) });
    assert.equal(max.text.length, INBOUND_LIMITS.text);
  });
});
