import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerList } from '../../worker/server-list.ts';

/** Walks the list through failures and opens; returns the URL after each step and whether it waited. */
function walk(list: ServerList, steps: ('fail' | 'open')[]): string[] {
  return steps.map((step) => (step === 'open' ? (list.opened(), `open ${list.current}`) : `${list.failed() ? 'now' : 'wait'} ${list.current}`));
}

test('one URL: every failure waits, as without a list', () => {
  assert.deepEqual(walk(new ServerList(['a']), ['fail', 'fail', 'open', 'fail']), ['wait a', 'wait a', 'open a', 'wait a']);
});

test('a failed node moves on at once; a whole round of failures waits and starts from the first', () => {
  assert.deepEqual(walk(new ServerList(['a', 'b', 'c']), ['fail', 'fail', 'fail', 'fail']), ['now b', 'now c', 'wait a', 'now b']);
});

test('a fall-back link is kept while it works; after it drops, the first URL comes first', () => {
  assert.deepEqual(walk(new ServerList(['a', 'b', 'c']), ['fail', 'open', 'fail', 'fail', 'fail']), ['now b', 'open b', 'now a', 'now c', 'wait a']);
});

test('a drop of the first node moves to the second at once', () => {
  assert.deepEqual(walk(new ServerList(['a', 'b']), ['open', 'fail', 'open', 'fail']), ['open a', 'now b', 'open b', 'now a']);
});

test('an empty list is refused', () => {
  assert.throws(() => new ServerList([]), /empty/);
});
