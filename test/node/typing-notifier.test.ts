import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypingNotifier } from '../../widget/typing-notifier.ts';
import { FakeTimers } from '../support/fake-timers.ts';

function setup() {
  const timers = new FakeTimers();
  const sent: string[] = [];
  const notifier = new TypingNotifier((typing) => sent.push(`${typing}@${timers.now()}`), 3_000, 5_000, timers);
  return { timers, sent, notifier };
}

describe('TypingNotifier', () => {
  it('sends "typing" once per 3 s however fast the keys come, then "stopped" 5 s after the last', () => {
    const { timers, sent, notifier } = setup();
    for (let i = 0; i < 70; i++) {
      notifier.key();
      timers.advance(100);
    }
    assert.deepEqual(sent, ['true@0', 'true@3000', 'true@6000']);
    timers.advance(4_899);
    assert.equal(sent.length, 3);
    timers.advance(1);
    assert.deepEqual(sent.at(-1), 'false@11900');
  });

  it('says "stopped" at once when the message is sent, and only once', () => {
    const { timers, sent, notifier } = setup();
    notifier.key();
    timers.advance(500);
    notifier.stop();
    notifier.stop();
    timers.advance(10_000);
    assert.deepEqual(sent, ['true@0', 'false@500']);
  });
});
