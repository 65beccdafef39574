import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../worker/api.ts';
import type { History } from '../../worker/history.ts';
import type { QueuedMove, QueuedMoved } from '../../worker/history-batch.ts';
import { SettleWriter } from '../../worker/settle-writer.ts';

/** A History whose batches are issued at once and commit when the test says. */
function heldCommits() {
  const batches: { moves: QueuedMove[]; commit: () => void }[] = [];
  const history = {
    moveQueued(_connection: string, moves: readonly QueuedMove[], issued?: (done: readonly QueuedMoved[]) => void): Promise<QueuedMoved[]> {
      const done = moves.map((m) => ({ conversation: 'c', moved: m.sent }));
      issued?.(done);
      return new Promise((resolve) => batches.push({ moves: [...moves], commit: () => resolve(done) }));
    },
  } as unknown as History;
  return { history, batches };
}

const message = (id: string): ChatMessage => ({ id, conversation: 'c', room: 'r', from: 'me', text: id, ts: 0, order: 0, mine: true, status: 'queued' });
const tick = () => new Promise((r) => setImmediate(r));

describe('settle writer', () => {
  // A copy of the message on the wire lets a sequenced ack be written without a read
  // (worker/history-batch.ts, fromMemory). An ack that waits behind two committing batches must
  // not carry a copy taken when it came: the link can drop and a cancel delete the message
  // meanwhile, and the copy would write it back.
  it('asks for the held copy when the batch is made, not when the ack came', async () => {
    const { history, batches } = heldCommits();
    const onWire = new Map([['a', message('a')], ['b', message('b')], ['c', message('c')]]);
    const writer = new SettleWriter('k', history, (id) => onWire.get(id), () => undefined, () => undefined);
    const ack = (id: string) => writer.write({ id, to: 'sent', also: { cursor: { kind: 'seq', seq: 1 } } });
    const answers = [ack('a'), ack('b')];
    await tick();
    assert.equal(batches.length, 2, 'two batches committing at once');
    answers.push(ack('c'));
    await tick();
    assert.equal(batches.length, 2, 'the third waits for a commit');
    // The link drops: nothing is on the wire any more.
    onWire.clear();
    batches[0]!.commit();
    await tick();
    assert.equal(batches.length, 3);
    assert.equal(batches[0]!.moves[0]!.sent?.id, 'a', 'the first batch wrote from its copy');
    assert.equal(batches[2]!.moves[0]!.sent, undefined, 'the waiting ack reads the record instead');
    batches[1]!.commit();
    batches[2]!.commit();
    await Promise.all(answers);
  });
});
