import Database from 'better-sqlite3';
import type { WireMessage } from '../worker/transports/json/wire.ts';

type Stored = WireMessage & { seq: number };

/** A row as SQLite gives it: NULL for no name, attachments as JSON text. */
type Row = Omit<Stored, 'attachments'> & { name?: string | null; attachments?: string | null };

/** SQLite gives NULL for a message stored without a display name or files; the wire leaves them out. */
const row = (r: Row): Stored => {
  const { attachments, ...rest } = r;
  if (rest.name === null) delete rest.name;
  const message = rest as Stored;
  // Written by add() below from checked attachments, so it parses.
  if (attachments) message.attachments = JSON.parse(attachments) as Stored['attachments'];
  return message;
};

/**
 * The relay's history on disk (SQLite). `seq` increases across all rooms; a client id is
 * stored once, so a resent message gets its first sequence number back.
 */
export class RelayStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #after: Database.Statement;
  readonly #latest: Database.Statement;
  readonly #before: Database.Statement;
  readonly #last: Database.Statement;

  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      room TEXT NOT NULL,
      sender TEXT NOT NULL,
      text TEXT NOT NULL,
      ts INTEGER NOT NULL
    ); CREATE INDEX IF NOT EXISTS messages_room ON messages (room, seq);`);
    // Display names came after ids (docs/identity.md): a history from before has none.
    const known = (this.#db.prepare('PRAGMA table_info(messages)').all() as { name: string }[]).map((c) => c.name);
    if (!known.includes('name')) this.#db.exec('ALTER TABLE messages ADD COLUMN name TEXT');
    // Files came later still (docs/attachments.md): a JSON array, NULL for a message without.
    if (!known.includes('attachments')) this.#db.exec('ALTER TABLE messages ADD COLUMN attachments TEXT');
    const columns = 'seq, id, room, sender AS "from", name, text, ts, attachments';
    this.#insert = this.#db.prepare('INSERT OR IGNORE INTO messages (id, room, sender, name, text, ts, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#byId = this.#db.prepare(`SELECT ${columns} FROM messages WHERE id = ?`);
    this.#after = this.#db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?`);
    this.#latest = this.#db.prepare(
      `SELECT * FROM (SELECT ${columns} FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    );
    this.#last = this.#db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages');
    this.#before = this.#db.prepare(
      `SELECT * FROM (SELECT ${columns} FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    );
  }

  /** Stores the message once. `fresh` is false when the id was already stored (a resend). */
  add(message: Omit<WireMessage, 'seq'>): { stored: Stored; fresh: boolean } {
    // Looked up first: an ignored INSERT still advances the AUTOINCREMENT counter, and a resend
    // must not leave a gap in seq (one message, one seq; test/node/relay.test.ts).
    const known = this.#byId.get(message.id) as Row | undefined;
    if (known) return { stored: row(known), fresh: false };
    const files = message.attachments?.length ? JSON.stringify(message.attachments) : null;
    const { changes } = this.#insert.run(message.id, message.room, message.from, message.name ?? null, message.text, message.ts, files);
    return { stored: row(this.#byId.get(message.id) as Row), fresh: changes === 1 };
  }

  after(room: string, seq: number, limit: number): Stored[] {
    return (this.#after.all(room, seq, limit) as Row[]).map(row);
  }

  latest(room: string, limit: number): Stored[] {
    return (this.#latest.all(room, limit) as Row[]).map(row);
  }

  before(room: string, seq: number, limit: number): Stored[] {
    return (this.#before.all(room, seq, limit) as Row[]).map(row);
  }

  /** The newest sequence number in any room; 0 when empty. */
  lastSeq(): number {
    return (this.#last.get() as { seq: number }).seq;
  }

  close(): void {
    this.#db.close();
  }
}
