import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkGuard } from '../../worker/link-guard.ts';

describe('linkGuard', () => {
  it('reports what a handler throws or rejects with, and runs nothing once the link is gone', { timeout: 5_000 }, async () => {
    let live = true;
    const reported: string[] = [];
    const ran: string[] = [];
    let bothReported!: () => void;
    const both = new Promise<void>((resolve) => (bothReported = resolve));
    const guard = linkGuard(() => live, (e) => reported.push((e as Error).message) === 2 && bothReported());
    const sync = guard((x: string) => void ran.push(x));
    const throws = guard(() => {
      throw new Error('thrown');
    });
    const rejects = guard(async () => {
      throw new Error('rejected');
    });
    sync('one');
    throws();
    rejects();
    await both;
    assert.deepEqual(ran, ['one']);
    assert.deepEqual(reported, ['thrown', 'rejected']);
    live = false;
    sync('two');
    throws();
    assert.deepEqual(ran, ['one']);
    assert.deepEqual(reported, ['thrown', 'rejected']);
  });
});
