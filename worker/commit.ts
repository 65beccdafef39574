/**
 * Most batches of one writer (the outbox's adds, the settles) whose commit may be under way at
 * once. A batch that arrives while one commits is issued at once, not after that commit: its
 * frames (adds) or its answers to the tabs (settles) go out on issue (bench items 3 and 7,
 * docs/speed.md). A longer burst still gathers behind two, into one transaction. IndexedDB runs
 * the transactions in the order they were made, so this changes no outcome, only the waits.
 */
export const MAX_COMMITTING = 2;

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
