import type { Gap } from './api.ts';
import type { ParleyDb } from './db.ts';
import { PENDING_BASE } from './order.ts';

/** Gaps kept per conversation; older ones are forgotten (a long history seldom scrolls back that far). */
const KEEP = 50;

const key = (conversation: string) => `gaps:${conversation}`;

/**
 * Places where messages may be missing (the `gap` event), kept so that a reload still shows
 * them. Stored as JSON in the `meta` store under `gaps:<conversation>`: a handful per
 * conversation, read with each page of history, which needs no store or index of its own.
 */
export class Gaps {
  constructor(private readonly db: () => Promise<ParleyDb>) {}

  /**
   * A gap after every message stored so far (own unconfirmed ones aside: they take their place
   * when the server confirms them). Half an order past the newest, so that the next message,
   * one past it (worker/order.ts), comes after. Nothing if the last gap is already there.
   */
  async add(conversation: string, at: number): Promise<Gap | undefined> {
    const db = await this.db();
    const tx = db.transaction(['messages', 'meta'], 'readwrite');
    const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
    const newest = await tx.objectStore('messages').index('by-conversation-order').openKeyCursor(confirmed, 'prev');
    const order = (newest ? (newest.key[1] as number) : 0) + 0.5;
    const gaps = parse(await tx.objectStore('meta').get(key(conversation)));
    if (gaps.at(-1)?.order === order) return void (await tx.done);
    const gap: Gap = { conversation, order, at };
    await tx.objectStore('meta').put(JSON.stringify([...gaps, gap].slice(-KEEP)), key(conversation));
    await tx.done;
    return gap;
  }

  /** The conversation's gaps whose order lies in [from, to), oldest first. */
  async list(conversation: string, from = -Infinity, to = Infinity): Promise<Gap[]> {
    const db = await this.db();
    return parse(await db.get('meta', key(conversation))).filter((g) => g.order >= from && g.order < to);
  }
}

/** What `meta` holds, checked: a damaged record is no gap rather than an error. */
function parse(stored: string | undefined): Gap[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value)
      ? value.filter(
          (g): g is Gap => typeof g?.conversation === 'string' && Number.isFinite(g?.order) && Number.isFinite(g?.at),
        )
      : [];
  } catch {
    return [];
  }
}
