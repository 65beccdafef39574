import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Heartbeat } from '../../worker/heartbeat.ts';
import { FakeTimers } from '../support/fake-timers.ts';

function setup() {
  const timers = new FakeTimers();
  const log: string[] = [];
  const hb = new Heartbeat(timers, {
    interval: 15_000,
    timeout: 5_000,
    ping: () => log.push(`ping@${timers.now()}`),
    dead: () => log.push(`dead@${timers.now()}`),
  });
  return { timers, log, hb };
}

describe('Heartbeat', () => {
  it('pings after the interval of silence and declares the link dead after the timeout', () => {
    const { timers, log, hb } = setup();
    hb.start();
    timers.advance(14_999);
    assert.deepEqual(log, []);
    timers.advance(1);
    assert.deepEqual(log, ['ping@15000']);
    timers.advance(5_000);
    assert.deepEqual(log, ['ping@15000', 'dead@20000']);
  });

  it('counts any inbound frame as proof of life', () => {
    const { timers, log, hb } = setup();
    hb.start();
    timers.advance(15_000);
    timers.advance(4_000);
    hb.alive();
    timers.advance(10_000);
    assert.deepEqual(log, ['ping@15000']);
    timers.advance(5_000);
    assert.deepEqual(log, ['ping@15000', 'ping@34000']);
  });

  it('pings an interval after the last of many frames, with one timer pending throughout', () => {
    const { timers, log, hb } = setup();
    hb.start();
    for (let at = 1_000; at <= 12_000; at += 1_000) {
      timers.advance(1_000);
      hb.alive();
      assert.equal(timers.pending, 1);
    }
    timers.advance(14_999);
    assert.deepEqual(log, []);
    timers.advance(1);
    assert.deepEqual(log, ['ping@27000']);
  });

  it('never pings a link that keeps talking', () => {
    const { timers, log, hb } = setup();
    hb.start();
    for (let i = 0; i < 100; i++) {
      timers.advance(10_000);
      hb.alive();
    }
    assert.deepEqual(log, []);
  });

  it('probes at once when asked, without a second ping while one is outstanding', () => {
    const { timers, log, hb } = setup();
    hb.start();
    timers.advance(1_000);
    hb.probe();
    hb.probe();
    assert.deepEqual(log, ['ping@1000']);
    timers.advance(5_000);
    assert.deepEqual(log, ['ping@1000', 'dead@6000']);
  });

  it('does nothing once stopped', () => {
    const { timers, log, hb } = setup();
    hb.start();
    hb.stop();
    timers.advance(60_000);
    hb.alive();
    hb.probe();
    assert.deepEqual(log, []);
    assert.equal(timers.pending, 0);
  });
});
