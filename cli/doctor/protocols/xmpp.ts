import { LayerFailure } from '../layer.ts';
import type { Frame, SocketTap } from '../tap.ts';
import type { Target } from '../target.ts';
import type { ProtocolProfile } from './profile.ts';

const SM = 'urn:xmpp:sm:3';

/**
 * RFC 7395 §3.3.3: every WebSocket message is one complete XML element, so one frame can be
 * looked at alone. These read single facts from frames the transport received; xmpp.js did
 * the parsing that mattered.
 */
const isFeatures = (f: Frame) => f.dir === 'in' && /^<(stream:)?features[\s>]/.test(f.text ?? '');
const mechanismsIn = (text: string): string[] => [...text.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]!.trim());
const has = (tap: SocketTap | undefined, pattern: RegExp) => tap?.inbound().some((f) => pattern.test(f.text ?? '')) ?? false;

/** The SASL mechanisms of the first stream features (RFC 6120 §6.3.3), if they came. */
export function offeredMechanisms(tap: SocketTap | undefined): string[] | undefined {
  const features = tap?.frames.find(isFeatures);
  return features ? mechanismsIn(features.text ?? '') : undefined;
}

/** XMPP over WebSocket (RFC 7395, worker/transports/xmpp): stream features, SASL, bind, SM; XEP-0198 or XEP-0199 ping. */
export const xmppProfile: ProtocolProfile = {
  subprotocol: 'xmpp',
  examplePath: '/xmpp-websocket',
  config: (t) => ({ protocol: 'xmpp', url: t.url.href, user: t.user ?? '', password: t.password }),
  handshake(tap) {
    const mechanisms = offeredMechanisms(tap) ?? [];
    const steps = [`stream features (SASL ${mechanisms.join(', ') || 'none'})`, 'SASL PLAIN accepted', 'resource bound'];
    const sm = has(tap, /^<enabled[\s>][^]*urn:xmpp:sm:3/) || has(tap, /^<enabled [^>]*xmlns=['"]urn:xmpp:sm:3/);
    const resumed = has(tap, /^<resumed[\s>]/);
    if (sm) steps.push('stream management on (XEP-0198)');
    if (resumed) steps.push('stream resumed');
    return { detail: steps.join(' → '), facts: { mechanisms, streamManagement: sm } };
  },
  refused(info, tap, t) {
    const mechanisms = offeredMechanisms(tap);
    const facts = { code: info.code, reason: info.reason, mechanisms: mechanisms ?? [] };
    // The transport logs in with PLAIN only (worker/transports/xmpp/session.ts). Servers
    // such as Prosody offer PLAIN only over TLS, so over ws:// they may offer SCRAM alone.
    // The transport reports a missing mechanism as `auth-mechanism`
    // (worker/transports/xmpp/errors.ts); the offered list says which ones the server has.
    if (info.code === 'auth-mechanism' || (mechanisms && !mechanisms.includes('PLAIN'))) {
      const offered = mechanisms?.join(', ') || 'no mechanism';
      if (t.url.protocol !== 'wss:')
        return new LayerFailure(
          `no SASL mechanism in common: the server offers ${offered} over an unencrypted link`,
          'use a wss:// URL: Parley logs in with PLAIN, which servers offer only over TLS unless told otherwise',
          facts,
        );
      return new LayerFailure(
        `no SASL mechanism in common: the server offers ${offered}, and Parley logs in with PLAIN`,
        'enable PLAIN on the server (it is safe over TLS)',
        facts,
      );
    }
    if (info.code === 'auth')
      return new LayerFailure(`SASL failure: ${info.reason.replace(/\.+$/, '')}`, 'check --user (a bare JID, e.g. ann@example.com) and --password', facts);
    if (info.code === 'stream-error') {
      const hostUnknown = /host-unknown/.test(info.reason);
      return new LayerFailure(
        info.reason.replace(/\.$/, ''),
        hostUnknown
          ? `the server does not serve the domain of --user (${t.user?.split('@')[1] ?? '?'}): check the JID`
          : "check the server's log for this stream error (RFC 6120 §4.9.3)",
        facts,
      );
    }
    if (!mechanisms)
      return new LayerFailure(
        `the server closed the link before stream features: ${info.reason}`,
        'is this an XMPP WebSocket endpoint (RFC 7395)? check the path, e.g. /xmpp-websocket',
        facts,
      );
    return new LayerFailure(`the XMPP handshake failed: ${info.reason}`, "check the server's log", facts);
  },
  stalled(tap, t) {
    if (!offeredMechanisms(tap))
      return new LayerFailure(
        `handshake timeout: no stream features within ${t.timeout} ms after the stream opened`,
        'the endpoint accepts WebSocket but does not answer XMPP: check the path, e.g. /xmpp-websocket, and --protocol',
      );
    return new LayerFailure(
      `handshake timeout: the server offered stream features but the login did not finish within ${t.timeout} ms`,
      "check the server's log (authentication backend, resource binding)",
    );
  },
  /** The transport pings with XEP-0198 `<r/>` when stream management is on, else with an XEP-0199 iq. */
  pong(tap, from) {
    const since = tap.frames.slice(from);
    const ping = since.find((s) => s.dir === 'out' && s.text?.includes('urn:xmpp:ping'));
    const id = ping?.text?.match(/\sid=['"]([^'"]+)/)?.[1];
    return since.some(
      (f) =>
        f.dir === 'in' &&
        f.text !== undefined &&
        ((/^<a[\s/]/.test(f.text) && f.text.includes(SM)) || (id !== undefined && /^<iq[\s>]/.test(f.text) && f.text.includes(id))),
    );
  },
  pingWords: 'ping (XEP-0198 <r/> → <a/>, or XEP-0199)',
  /**
   * The transport's close() drops the socket without closing the stream, so that the engine
   * can resume the session (XEP-0198 §5); the server then keeps it, and its MUC occupants, for
   * its hibernation time. The doctor will not come back, so it closes the stream
   * (RFC 7395 §3.6) and the server ends the session at once.
   */
  farewell(tap) {
    if (tap.socket.readyState === tap.socket.OPEN) tap.socket.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  },
};
