import { unwrap, type IDBPObjectStore, type StoreNames, type StoreValue } from 'idb';
import type { ParleySchema } from './db.ts';

/**
 * Issues a put inside a batch's transaction, whose outcome only the transaction reports: a put
 * that fails aborts it (its error event is not cancelled), and the batch's `tx.done` rejects.
 * Through idb, each put had a promise of its own, two listeners on the request and a catch
 * that only silenced it: about 150 ms of the worker for a burst of 10 000 messages
 * (docs/speed.md), for an outcome no one read.
 */
export function issuePut<Name extends StoreNames<ParleySchema>>(
  store: IDBPObjectStore<ParleySchema, ArrayLike<StoreNames<ParleySchema>>, Name, 'readwrite'>,
  value: StoreValue<ParleySchema, Name>,
): void {
  unwrap(store).put(value);
}
