import type { ChatMessage } from '../../worker/api.ts';
import { validTime } from '../i18n/dates.ts';

/**
 * A message counts as newly arrived (announced, counted as unread) only if it is newer than
 * anything shown and no older than this (ms) before the widget joined: history that the server
 * replays on join is older, and is never announced.
 */
const FRESH_WINDOW = 60_000;

/** Whether `m`, from someone else and not among `shown`, is news to a widget that attached at `attachedAt` (ms since the epoch). */
export function isFresh(m: ChatMessage, shown: readonly ChatMessage[], attachedAt: number): boolean {
  const ts = validTime(m.ts);
  if (m.mine || ts === undefined || shown.some((k) => k.id === m.id)) return false;
  const newest = shown.reduce((max, k) => Math.max(max, validTime(k.ts) ?? -Infinity), -Infinity);
  return ts >= newest && ts >= attachedAt - FRESH_WINDOW;
}
