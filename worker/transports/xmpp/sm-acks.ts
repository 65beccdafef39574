import type { StreamManagement } from './lib.ts';

/**
 * Acks on a stream with stream management (XEP-0198); ./ping-acks.ts stands in where there is
 * none. Each chat message of ours that the server reports handled is acked (`ack`); each one a
 * failed resume hands back, lost with the stream, goes to `lost` (XmppSession.unconfirmed), and
 * the outbox sends it again.
 */
export function smAcks(sm: StreamManagement, ack: (id: string) => void, lost: (id: string) => void): void {
  // XEP-0198 §4: the server has handled the stanza; for a chat message, that is our ack.
  sm.on('ack', (stanza) => {
    if (stanza.is('message') && stanza.getChild('body') && stanza.attrs.id) ack(stanza.attrs.id);
  });
  // XEP-0198 §5: the resume failed; the server lost the stream, and with it what it had not acked.
  sm.on('fail', (stanza) => {
    if (stanza.is('message') && stanza.getChild('body') && stanza.attrs.id) lost(stanza.attrs.id);
  });
}
