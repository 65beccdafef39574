import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeChat, MAX_PAYLOAD_BYTES, parseChat, parseTyping, UNKNOWN_SENDER } from '../../worker/transports/mqtt/payload.ts';
import { topicMap } from '../../worker/transports/mqtt/topics.ts';

/** The MQTT payload and topic rules of docs/mqtt.md. */
const bytes = (s: string) => new TextEncoder().encode(s);
const NOW = 1_764_000_000_000;

describe('MQTT chat payloads', () => {
  it('round-trips a Parley message', () => {
    const message = { id: crypto.randomUUID(), room: 'r', from: 'Ann', text: 'hi <b>', ts: 5 };
    const parsed = parseChat(encodeChat(message), NOW);
    assert.deepEqual(parsed, { ok: true, value: { id: message.id, from: 'Ann', text: 'hi <b>', ts: 5, attachments: [] } });
  });

  it('shows plain text and foreign JSON as text from another client, with a generated id', () => {
    for (const text of ['plain text', '{"temperature":21}', '[1,2]', '42']) {
      const parsed = parseChat(bytes(text), NOW);
      assert.equal(parsed.ok, true);
      if (parsed.ok !== true) continue;
      assert.equal(parsed.value.text, text);
      assert.equal(parsed.value.from, UNKNOWN_SENDER);
      assert.equal(parsed.value.ts, NOW);
      assert.match(parsed.value.id, /^[0-9a-f-]{36}$/);
    }
  });

  it('fills what a partial Parley payload leaves out', () => {
    const parsed = parseChat(bytes('{"text":"deploy done","from":"ci"}'), NOW);
    assert.equal(parsed.ok, true);
    if (parsed.ok === true) assert.deepEqual({ ...parsed.value, id: 'x' }, { id: 'x', from: 'ci', text: 'deploy done', ts: NOW });
  });

  it('refuses malformed payloads with a reason', () => {
    const bad = [
      bytes('{"id":"x","text":42}'),
      bytes('{"id":7,"text":"t"}'),
      bytes('{"text":"t","ts":"yesterday"}'),
      bytes('{"text":"t","from":null}'),
      bytes('{"text":"t","attachments":{}}'),
      bytes('{"text":"t","attachments":[{"name":"no url"}]}'),
      bytes('{"id":"x"}'),
      new Uint8Array([0x68, 0xff, 0xfe, 0x69]),
      new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x61),
    ];
    for (const payload of bad) {
      const parsed = parseChat(payload, NOW);
      assert.equal(parsed.ok, false, new TextDecoder().decode(payload.slice(0, 60)));
      if (parsed.ok === false) assert.ok(parsed.reason.length > 0);
    }
  });

  it('ignores a zero-byte payload (a retained-message delete)', () => {
    assert.deepEqual(parseChat(new Uint8Array(0), NOW), { ok: 'ignore' });
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
    for (const other of ['acme/other/lobby', 'acme/chat/lobby/x', 'acme/chat/a/typing/b', 'acme/chat/%E0%A4%A', 'acme/chat/'])
      assert.equal(topics.parse(other), undefined, other);
  });
});
