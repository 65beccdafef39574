import type { StreamManagement } from './lib.ts';

/**
 * XEP-0198 §4: `h` is the number of stanzas the client has *handled*, and the server drops
 * from its queue everything `h` covers, so a stanza counted there is never sent again, not
 * even on resume (§5). xmpp.js counts a stanza as it arrives. A live message held back while
 * its room's catch-up runs (./sync.ts) has not been handled: if the link ended then, a resume
 * would tell the server we have it, and it would be lost. So while anything is held, the `h`
 * xmpp.js reports (in `<a/>` and in `<resume/>`) stays just before the first held stanza; the
 * server then resends from there on resume, and what came twice is dropped by id.
 *
 * Wraps `sm.inbound`, which xmpp.js both reports and increments (`inbound += 1`), resets (0
 * on `<enabled/>`) and restores (from saved resumption state).
 */
export function handledCount(sm: StreamManagement): { hold(): void; release(): void } {
  let received = sm.inbound;
  /** The `h` to report while something is held. */
  let frozen: number | undefined;
  Object.defineProperty(sm, 'inbound', {
    configurable: true,
    enumerable: true,
    get: () => frozen ?? received,
    set: (value: number) => {
      // xmpp.js counting one more stanza reads the frozen value and adds one.
      if (frozen !== undefined && value === frozen + 1) received += 1;
      else {
        received = value;
        frozen = undefined;
      }
    },
  });
  return {
    /** The stanza just received (already counted) is held, not handled. */
    hold() {
      frozen ??= received - 1;
    },
    /** Everything held has been handed to the engine. */
    release() {
      frozen = undefined;
    },
  };
}
