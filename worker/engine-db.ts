/**
 * The engine's IndexedDB handle (worker/db.ts), opened on first use and opened again after a
 * failure or after another tab's upgrade closed it; and the device id kept in it.
 */

import { openParleyDb, type ParleyDb } from './db.ts';
import { ParleyError } from './errors.ts';

/** A function that opens the database `name` once and hands out the same handle until it closes. */
export function lazyDb(name: string): () => Promise<ParleyDb> {
  let db: Promise<ParleyDb> | undefined;
  return () => {
    db ??= openParleyDb(name, () => (db = undefined)).catch((e: unknown) => {
      // Forget the failure, so that the next call tries again (quota freed, other tab closed).
      db = undefined;
      throw new ParleyError(
        'storage',
        `Cannot open the chat's storage (${e instanceof Error ? e.name : e}). If another tab runs a newer version, reload this one.`,
      );
    });
    return db;
  };
}

/** This browser's id, made on first use and kept in the `meta` store. */
export async function deviceId(open: () => Promise<ParleyDb>): Promise<string> {
  const db = await open();
  const tx = db.transaction('meta', 'readwrite');
  let id = await tx.store.get('device-id');
  if (!id) await tx.store.put((id = crypto.randomUUID()), 'device-id');
  await tx.done;
  return id;
}
