import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkGuard } from '../../worker/link-guard.ts';

describe('linkGuard', () => {
  it('reports what a handler throws or rejects with, and runs nothing once the link is gone', async () => {
    let live = true;
    const reported: string[] = [];
    const ran: string[] = [];
    const guard = linkGuard(() => live, (e) => reported.push((e as Error).message));
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
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(ran, ['one']);
    assert.deepEqual(reported, ['thrown', 'rejected']);
    live = false;
    sync('two');
    throws();
    assert.deepEqual(ran, ['one']);
    assert.deepEqual(reported, ['thrown', 'rejected']);
  });
});
