import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../worker/api.ts';
import { ALERT_WINDOW, AlertBatch, Alerts } from '../../worker/alerts.ts';

/** Which tab alerts (worker/alerts.ts): the timing and choice logic, with a clock the test moves. */
function setup() {
  let now = 1_764_000_000_000;
  const alerts = new Alerts(() => now);
  const message = (o: Partial<ChatMessage> = {}): ChatMessage => ({
    id: crypto.randomUUID(), conversation: 'c', room: 'r', from: 'Ann', text: 'hi', ts: now, order: 1, mine: false, ...o,
  });
  return { alerts, message, advance: (ms: number) => (now += ms) };
}

describe('Alerts', () => {
  it('picks a visible tab over hidden ones, and among hidden ones the most recently visible', () => {
    const { alerts, message, advance } = setup();
    alerts.visibility('a', true);
    advance(10);
    alerts.visibility('b', true);
    advance(10);
    alerts.visibility('c', false);
    assert.equal(alerts.target(message(), ['a', 'b', 'c']), 'b', 'the visible tab seen last');
    alerts.visibility('b', false);
    assert.equal(alerts.target(message(), ['a', 'b', 'c']), 'a', 'the one visible tab');
    advance(10);
    alerts.visibility('a', false);
    assert.equal(alerts.target(message(), ['a', 'b', 'c']), 'a', 'hidden last, so visible most recently');
    assert.equal(alerts.target(message(), ['c', 'b']), 'b');
    assert.equal(alerts.target(message(), ['never-reported']), 'never-reported', 'a tab that never said is still a tab');
  });

  it('alerts for nobody while a visible tab shows the conversation, nor for own messages or catch-up over a minute old', () => {
    const { alerts, message } = setup();
    alerts.visibility('a', true, ['c']);
    alerts.visibility('b', false);
    assert.equal(alerts.target(message(), ['a', 'b']), undefined, 'the visitor is looking');
    assert.equal(alerts.target(message({ conversation: 'other' }), ['a', 'b']), 'a', 'another conversation');
    alerts.visibility('a', false, ['c']);
    assert.equal(alerts.target(message(), ['a', 'b']), 'a', 'a hidden tab shows nothing to anyone');
    const { ts } = message();
    assert.equal(alerts.target(message({ mine: true }), ['a']), undefined, 'own message');
    assert.equal(alerts.target(message({ ts: ts - ALERT_WINDOW - 1 }), ['a']), undefined, 'catch-up');
    assert.equal(alerts.target(message({ ts: ts - ALERT_WINDOW }), ['a']), 'a', 'a minute old exactly');
    assert.equal(alerts.target(message({ ts: Number.NaN }), ['a']), undefined, 'no time');
    alerts.gone('a');
    assert.equal(alerts.target(message(), ['b']), 'b');
  });
});

describe('AlertBatch', () => {
  it('alerts once per conversation for a burst, for its last message, and again for a later one', async () => {
    const { message } = setup();
    const alerted: string[] = [];
    const batch = new AlertBatch((m) => alerted.push(`${m.conversation}:${m.text}`));
    for (let i = 1; i <= 1_000; i++) batch.add(message({ text: `a${i}` }));
    batch.add(message({ conversation: 'd', text: 'd1' }));
    assert.deepEqual(alerted, [], 'nothing before the burst ends');
    await Promise.resolve();
    assert.deepEqual(alerted, ['c:a1000', 'd:d1']);
    batch.add(message({ text: 'later' }));
    await Promise.resolve();
    assert.deepEqual(alerted, ['c:a1000', 'd:d1', 'c:later']);
  });
});
