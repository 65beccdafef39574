import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, Gap } from '../../worker/api.ts';
import { buildRows, rowsFor, type BuiltRows } from '../../widget/message-list/rows.ts';

describe('rowsFor: the list adds a line per new message (widget/message-list/rows.ts)', () => {
  const message = (id: string, order: number, from: string, ts: number): ChatMessage => ({ id, conversation: 'c', room: 'r', from, text: id, ts, order, mine: false });
  const day = (d: number, minute: number) => Date.UTC(2026, 0, d, 12, minute);
  // Same sender within minutes, another sender, a pause past the group gap, the next day.
  const all = [
    message('a', 1, 'bob', day(1, 0)),
    message('b', 2, 'bob', day(1, 1)),
    message('c', 3, 'ann', day(1, 2)),
    message('d', 4, 'ann', day(1, 30)),
    message('e', 5, 'ann', day(2, 0)),
    message('f', 6, 'ann', day(2, 1)),
  ];

  it('gives the same lines, day separators and groups one message at a time as all at once, and keeps the earlier lines', () => {
    let built: BuiltRows | undefined;
    for (let n = 1; n <= all.length; n++) {
      const before = built;
      built = rowsFor(all.slice(0, n), [], built);
      assert.deepEqual(built.rows, buildRows(all.slice(0, n)));
      if (before) assert.ok(before.rows.every((r, i) => built!.rows[i] === r), 'earlier lines are kept, not built again');
    }
  });

  it('builds afresh when a message goes before the last, or a gap line ends the list', () => {
    const gaps: Gap[] = [{ conversation: 'c', order: 2.5, at: 0 }];
    const first = rowsFor([all[0]!, all[2]!], gaps);
    const inserted = rowsFor([all[0]!, all[1]!, all[2]!], gaps, first);
    assert.deepEqual(inserted.rows, buildRows([all[0]!, all[1]!, all[2]!], gaps));
    const trailing: Gap[] = [{ conversation: 'c', order: 3.5, at: 0 }];
    const ended = rowsFor(all.slice(0, 3), trailing);
    assert.deepEqual(rowsFor(all.slice(0, 5), trailing, ended).rows, buildRows(all.slice(0, 5), trailing));
  });
});
