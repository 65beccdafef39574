/**
 * Holds a read-write transaction on one store of an engine's IndexedDB from the test page, so
 * that the engine's own writes to that store wait (IndexedDB runs read-write transactions with
 * overlapping scopes one at a time, across connections). The fault matrix uses it to catch the
 * engine between a message arriving and it being stored. Open it only after the engine has
 * opened (and so created) its database: a first open here would create an empty one.
 */
export async function holdStore(dbName: string, store: string): Promise<{ release(): void }> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => ok(request.result);
    request.onerror = () => fail(request.error);
  });
  const tx = db.transaction(store, 'readwrite');
  const target = tx.objectStore(store);
  let held = true;
  // A transaction commits once it has no request pending; one request after another keeps it open.
  const spin = () => {
    if (held) target.count().onsuccess = spin;
  };
  spin();
  return {
    release: () => {
      held = false;
      db.close();
    },
  };
}
