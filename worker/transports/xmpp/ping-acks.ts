/**
 * Acks on a stream without stream management (the server lacks XEP-0198, or refused
 * `<enable/>`): one XEP-0199 ping after each batch of sends. A server processes one stream's
 * stanzas in order (RFC 6120 §10.1), so its answer proves that every message sent before the
 * ping was handled. Without it a one-to-one message, which no room echoes back, would stay
 * `sending` and go out again after every reconnect.
 *
 * Returns `sent(id)`; `ping()` resolves when the server answers. A ping that fails leaves its
 * messages unacked, and the outbox sends them again on the next link (ids dedupe).
 */
export function pingAcks(ping: () => Promise<unknown>, ack: (id: string) => void): (id: string) => void {
  let waiting: string[] = [];
  return (id) => {
    waiting.push(id);
    if (waiting.length > 1) return;
    // A burst of sends in one task shares one ping.
    queueMicrotask(() => {
      const ids = waiting;
      waiting = [];
      ping().then(
        () => ids.forEach(ack),
        () => undefined,
      );
    });
  };
}
