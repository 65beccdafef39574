import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../worker/backoff.ts';

describe('Backoff (full jitter)', () => {
  it('keeps every delay within random(0, min(cap, base * 2^attempt))', () => {
    const backoff = new Backoff({ base: 500, cap: 30_000 });
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      const delay = backoff.next();
      assert.ok(delay >= 0 && delay < ceiling, `attempt ${attempt}: ${delay} not in [0, ${ceiling})`);
    }
  });

  it('doubles the ceiling each attempt until the cap', () => {
    const top = new Backoff({ base: 500, cap: 30_000, random: () => 0.999_999 });
    const delays = Array.from({ length: 9 }, () => top.next());
    assert.deepEqual(delays, [499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
  });

  it('spreads delays over the whole range rather than bunching at the ceiling', () => {
    const samples = Array.from({ length: 2000 }, () => {
      const b = new Backoff({ base: 1000, cap: 1000 });
      return b.next();
    });
    const low = samples.filter((d) => d < 250).length;
    const high = samples.filter((d) => d >= 750).length;
    // Uniform on [0, 1000): each quarter holds ~500 of 2000; allow wide slack.
    assert.ok(low > 350 && high > 350, `low ${low}, high ${high}`);
  });

  it('starts again from the base after reset()', () => {
    const b = new Backoff({ base: 500, cap: 30_000, random: () => 0.999_999 });
    for (let i = 0; i < 5; i++) b.next();
    assert.equal(b.attempt, 5);
    b.reset();
    assert.equal(b.attempt, 0);
    assert.equal(b.next(), 499);
  });
});
