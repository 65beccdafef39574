/**
 * Waits for a batch's commit. `fault`, the test's storage fault (worker/history.ts,
 * StorageFault), aborts the transaction instead, after its writes were issued, as a full disk
 * fails a commit: so that tests can reach what happens when a commit fails after the tabs were
 * told (docs/engine.md, "Write-behind", "Acks and refusals").
 */
export async function committed(tx: { readonly done: Promise<void>; abort(): void }, fault: Error | undefined): Promise<void> {
  if (!fault) return tx.done;
  tx.abort();
  await tx.done.catch(() => undefined);
  throw fault;
}
