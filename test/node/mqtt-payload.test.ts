import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeChat, MAX_PAYLOAD_BYTES, parseChat, parseTyping, UNKNOWN_SENDER } from '../../worker/transports/mqtt/payload.ts';
import { encodeRead, parseRead } from '../../worker/transports/mqtt/read-marker.ts';
import { topicMap } from '../../worker/transports/mqtt/topics.ts';

/** The MQTT payload and topic rules of docs/mqtt.md. */
const bytes = (s: string) => new TextEncoder().encode(s);
const NOW = 1_764_000_000_000;

describe('MQTT chat payloads', () => {
  it('round-trips a Parley message', () => {
    const message = { id: crypto.randomUUID(), room: 'r', from: 'Ann', text: 'hi <b>', ts: 5 };
    const parsed = parseChat(encodeChat({ ...message, ts: NOW - 5 }), 'r', NOW);
    assert.deepEqual(parsed, { ok: true, value: { id: message.id, room: 'r', from: 'Ann', text: 'hi <b>', ts: NOW - 5 } });
  });

  it('shows plain text and foreign JSON as text from another client, with a generated id', () => {
    for (const text of ['plain text', '{"temperature":21}', '[1,2]', '42']) {
      const parsed = parseChat(bytes(text), 'r', NOW);
      assert.equal(parsed.ok, true);
      if (parsed.ok !== true) continue;
      assert.equal(parsed.value.text, text);
      assert.equal(parsed.value.from, UNKNOWN_SENDER);
      assert.equal(parsed.value.ts, NOW);
      // Arrival is the only time such a payload has: nothing was replaced.
      assert.equal(parsed.value.tsReplaced, undefined);
      assert.match(parsed.value.id, /^[0-9a-f-]{36}$/);
    }
  });

  it('fills what a partial Parley payload leaves out, and says the time was replaced', () => {
    const parsed = parseChat(bytes('{"text":"deploy done","from":"ci"}'), 'r', NOW);
    assert.equal(parsed.ok, true);
    if (parsed.ok === true)
      assert.deepEqual({ ...parsed.value, id: 'x' }, { id: 'x', room: 'r', from: 'ci', text: 'deploy done', ts: NOW, tsReplaced: true });
    const anonymous = parseChat(bytes('{"id":"a1","text":"t","from":null}'), 'r', NOW);
    assert.equal(anonymous.ok === true && anonymous.value.from, UNKNOWN_SENDER);
  });

  it('replaces an absurd time by the arrival time and drops unknown fields (one hostile payload must not wedge the widget)', () => {
    for (const ts of ['1e20', '"bogus"', '"yesterday"', '-5', 'null']) {
      const parsed = parseChat(bytes(`{"id":"m2","from":"mallory","text":"boom","ts":${ts},"html":"<b>x</b>"}`), 'r', NOW);
      assert.deepEqual(parsed, { ok: true, value: { id: 'm2', room: 'r', from: 'mallory', text: 'boom', ts: NOW, tsReplaced: true } }, ts);
    }
  });

  it('refuses malformed payloads with a specific reason', () => {
    const bad: [Uint8Array, string, RegExp][] = [
      [bytes('{"id":"x","text":42}'), 'bad-message', /"text" must be a string, not a number/],
      [bytes('{"id":7,"text":"t"}'), 'bad-message', /"id" must be a string of 1 to 128 characters, not a number/],
      [bytes(`{"id":"${'x'.repeat(129)}","text":"t"}`), 'bad-message', /"id".*not 129 characters/],
      [bytes('{"text":"t","from":42}'), 'bad-message', /"from"/],
      [bytes('{"text":"t","attachments":{}}'), 'bad-payload', /"attachments"/],
      [bytes('{"text":"t","attachments":[{"name":"no url"}]}'), 'bad-payload', /"attachments"/],
      [bytes('{"id":"x"}'), 'bad-message', /"text" must be a string, not missing/],
      [new Uint8Array([0x68, 0xff, 0xfe, 0x69]), 'bad-payload', /not valid UTF-8/],
      [new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x61), 'bad-payload', /exceeds/],
    ];
    for (const [payload, code, reason] of bad) {
      const parsed = parseChat(payload, 'r', NOW);
      const what = new TextDecoder().decode(payload.slice(0, 60));
      assert.equal(parsed.ok, false, what);
      if (parsed.ok !== false) continue;
      assert.equal(parsed.error.code, code, what);
      assert.match(parsed.error.message, reason, what);
    }
  });

  it('ignores a zero-byte payload (a retained-message delete)', () => {
    assert.deepEqual(parseChat(new Uint8Array(0), 'r', NOW), { ok: 'ignore' });
  });

  it('parses typing payloads and refuses others', () => {
    assert.deepEqual(parseTyping(bytes('{"from":"Bob","typing":false}')), { ok: true, value: { from: 'Bob', typing: false } });
    assert.equal(parseTyping(bytes('{"from":"Bob","typing":"yes"}')).ok, false);
    assert.equal(parseTyping(bytes('typing')).ok, false);
  });
});

describe('MQTT topics', () => {
  it('maps a room to one percent-encoded level under the prefix, typing beside it', () => {
    const topics = topicMap('acme/chat/');
    assert.equal(topics.chat('sales/eu #1+'), 'acme/chat/sales%2Feu%20%231%2B');
    assert.equal(topics.typing('lobby'), 'acme/chat/lobby/typing');
    assert.deepEqual(topics.parse('acme/chat/sales%2Feu%20%231%2B'), { room: 'sales/eu #1+', kind: 'chat' });
    assert.deepEqual(topics.parse('acme/chat/lobby/typing'), { room: 'lobby', kind: 'typing' });
    assert.equal(topics.read('sales/eu'), 'acme/chat/sales%2Feu/read');
    assert.deepEqual(topics.parse('acme/chat/sales%2Feu/read'), { room: 'sales/eu', kind: 'read' });
    for (const other of ['acme/other/lobby', 'acme/chat/lobby/x', 'acme/chat/a/typing/b', 'acme/chat/%E0%A4%A', 'acme/chat/'])
      assert.equal(topics.parse(other), undefined, other);
  });
});

describe('MQTT read markers', () => {
  it('round-trips {from, id} and refuses a marker without a string id, with a readable error', () => {
    assert.deepEqual(parseRead(encodeRead({ from: 'bob', id: 'm-1' })), { from: 'bob', id: 'm-1' });
    for (const payload of ['{"from":"bob"}', '{"from":"bob","id":7}', 'not json', `{"from":"bob","id":"${'x'.repeat(300)}"}`]) {
      const parsed = parseRead(new TextEncoder().encode(payload));
      assert.ok(parsed instanceof Error, payload);
      assert.match(parsed.message, /read marker needs JSON with a string "from" and a string "id"/);
    }
  });
});
