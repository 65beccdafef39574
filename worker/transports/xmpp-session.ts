import { client, type ClientOptions, type StreamManagement, type XmppClient } from '@xmpp/client';

/**
 * XEP-0198 resumption state that outlives one transport. The Connection makes a new transport
 * (so a new xmpp.js client) for every attempt, but resuming needs the previous stream's id, the
 * count of stanzas we handled (`h`, §4) and the stanzas the server has not acked yet (§4: they
 * are resent on resume). Keyed by connection (protocol + url + user); one engine has one
 * Connection per key, so one writer.
 */
interface Resumable {
  id: string;
  inbound: number;
  outbound: number;
  queue: StreamManagement['outbound_q'];
}

const resumable = new Map<string, Resumable>();

/** Keeps what a later attempt needs to resume this stream; forgets a stream that was not resumable. */
export function remember(key: string, sm: StreamManagement): void {
  if (!sm.id) return void resumable.delete(key);
  resumable.set(key, { id: sm.id, inbound: sm.inbound, outbound: sm.outbound, queue: [...sm.outbound_q] });
}

/**
 * An xmpp.js client with its own policies switched off, because the engine owns them:
 * reconnecting (xmpp.js retries every 1 s; @xmpp/reconnect `stop()`), the periodic `<r/>` and
 * the SM dead-link timeout (the engine's heartbeat calls ping()). It starts from the saved
 * resumption state, if any, so xmpp.js sends `<resume/>` instead of binding anew.
 */
export function createClient(key: string, options: ClientOptions): XmppClient {
  const xmpp = client(options);
  xmpp.reconnect.stop();
  const sm = xmpp.streamManagement;
  sm.timeout = 0;
  sm.requestAckInterval = 0;
  // Ask for acks soon after a message goes out; a burst still shares one <r/>.
  sm.requestAckDebounce = 100;
  const saved = resumable.get(key);
  if (saved) {
    resumable.delete(key);
    Object.assign(sm, { id: saved.id, inbound: saved.inbound, outbound: saved.outbound, outbound_q: saved.queue });
  }
  return xmpp;
}
