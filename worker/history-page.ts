import type { HistoryCursor, HistoryPage } from './api.ts';
import type { Connection } from './connection.ts';
import type { Gaps } from './gaps.ts';
import type { History } from './history.ts';

/**
 * A page of history, newest first (Engine.page). When local history runs out, asks the server
 * for the page before our oldest message; those messages arrive as `message` events, and `more`
 * stays true until the server says it has nothing older. `find` is the open conversation, looked
 * up once local history is read (it throws `unknown-conversation`).
 */
export async function historyPage(
  history: History,
  gapStore: Gaps,
  find: () => { connection: Connection; room: string },
  conversation: string,
  before: HistoryCursor | undefined,
  limit: number,
): Promise<HistoryPage> {
  const local = await history.page(conversation, before, limit);
  const { connection, room } = find();
  // Scrolling up past local history: ask the server for the page before our oldest.
  if (!local.more && !connection.exhausted(room) && before !== undefined) await connection.older(room, limit);
  // The gaps among this page: from its oldest message (or the start) up to `before`.
  const oldest = local.more ? local.messages.at(-1)?.order : undefined;
  const gaps = await gapStore.list(conversation, oldest, before?.order);
  // Read last: the server's answer may have said "nothing older" (a `history-end` event) while
  // this waited, and a page that still said `serverMore` would bring back the button it removed.
  const messages = local.messages.map((m) => connection.delivery.asShown(m));
  return { ...local, messages, serverMore: !connection.exhausted(room), ...(gaps.length ? { gaps } : {}) };
}
