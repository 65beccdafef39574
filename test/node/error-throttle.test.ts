import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorInfo } from '../../worker/api.ts';
import { ErrorThrottle } from '../../worker/error-throttle.ts';
import { FakeTimers } from '../support/fake-timers.ts';

const bad = (n: number): ErrorInfo => ({ code: 'bad-frame', message: `frame ${n} is not JSON` });

describe('error throttle', () => {
  it('reports the first error of a code at once, then one count a second with the last words', () => {
    const timers = new FakeTimers();
    const seen: ErrorInfo[] = [];
    const throttle = new ErrorThrottle(timers, (e) => seen.push(e));
    for (let i = 1; i <= 500; i++) throttle.add(bad(i));
    assert.deepEqual(seen, [bad(1)]);
    timers.advance(1_000);
    assert.deepEqual(seen[1], { code: 'bad-frame', message: '499 errors like this in the last second; the last: frame 500 is not JSON' });
    // Quiet for a while: the next one is reported at once, as it is.
    timers.advance(5_000);
    throttle.add(bad(501));
    assert.deepEqual(seen.at(-1), bad(501));
    assert.equal(seen.length, 3);
  });

  it('keeps codes apart: a flood of one does not hide another', () => {
    const timers = new FakeTimers();
    const seen: ErrorInfo[] = [];
    const throttle = new ErrorThrottle(timers, (e) => seen.push(e));
    for (let i = 1; i <= 50; i++) throttle.add(bad(i));
    throttle.add({ code: 'storage-quota', message: 'full' });
    assert.deepEqual(seen.map((e) => e.code), ['bad-frame', 'storage-quota']);
  });

  it('passes a single held error on as it was, not as a count', () => {
    const timers = new FakeTimers();
    const seen: ErrorInfo[] = [];
    const throttle = new ErrorThrottle(timers, (e) => seen.push(e));
    throttle.add(bad(1));
    timers.advance(300);
    throttle.add(bad(2));
    timers.advance(700);
    assert.deepEqual(seen, [bad(1), bad(2)]);
  });
});
