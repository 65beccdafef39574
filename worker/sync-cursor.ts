/**
 * A conversation's sync cursor: how far the server has sent it, and when a new cursor moves it
 * forward. Used by History's single and batch writes alike.
 */
import type { Cursor } from './api.ts';
import type { IDBPObjectStore } from 'idb';
import type { ParleySchema } from './db.ts';

/**
 * Where a conversation's cursor goes next, or undefined if `cursor` does not move it. A relay
 * sequence only ever grows. An archive id (XEP-0313) cannot be compared, so the one of the
 * newest message wins; one with no time (the server said "caught up to here") wins outright.
 */
export function advanced(current: CursorRecord | undefined, conversation: string, cursor: Cursor, ts?: number): CursorRecord | undefined {
  if (cursor.kind === 'seq' && current?.cursor.kind === 'seq' && current.cursor.seq >= cursor.seq) return undefined;
  if (cursor.kind === 'archive' && (!cursor.id || (ts !== undefined && (current?.ts ?? -Infinity) > ts))) return undefined;
  return { conversation, cursor, ts };
}

type CursorRecord = ParleySchema['cursors']['value'];

/** Moves a conversation's cursor forward (see {@link advanced}). */
export async function advance(
  cursors: IDBPObjectStore<ParleySchema, ('cursors' | 'messages')[] | ['cursors'], 'cursors', 'readwrite'>,
  conversation: string,
  cursor: Cursor,
  ts?: number,
): Promise<void> {
  const next = advanced(await cursors.get(conversation), conversation, cursor, ts);
  if (next) await cursors.put(next);
}
