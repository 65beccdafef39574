import type { CloseInfo } from '../transport.ts';

/** RFC 6120 §6.5: SASL failure conditions, as a sentence a visitor can act on. */
const SASL: Record<string, string> = {
  'not-authorized': 'The XMPP server refused the user name or password',
  'account-disabled': 'This XMPP account is disabled',
  'credentials-expired': 'The password or token has expired',
  'invalid-mechanism': 'The XMPP server offers no login method this client can use',
  'encryption-required': 'The XMPP server requires an encrypted connection (wss://) for this login',
  'malformed-request': 'The XMPP server could not read the login request',
  'temporary-auth-failure': 'The XMPP server could not check the login just now',
};

/**
 * RFC 6120 §4.9.3 stream errors after which reconnecting would only be refused again (or fight
 * another session for our resource, for `conflict`). Others, such as `system-shutdown`, are
 * worth a retry with backoff.
 */
const FATAL_STREAM = new Set([
  'conflict',
  'host-unknown',
  'improper-addressing',
  'invalid-namespace',
  'not-authorized',
  'policy-violation',
  'unsupported-version',
]);

type XmppError = Error & { condition?: string; text?: string };

/** RFC 6120 §6.5: every defined SASL failure condition. */
const RFC6120_SASL = new Set([
  'aborted',
  'account-disabled',
  'credentials-expired',
  'encryption-required',
  'incorrect-encoding',
  'invalid-authzid',
  'invalid-mechanism',
  'malformed-request',
  'mechanism-too-weak',
  'not-authorized',
  'temporary-auth-failure',
]);

/** What the Connection should hear when the stream ends, from the error that ended it (if any). */
export function closeInfo(error: unknown): CloseInfo {
  const e = error as XmppError | undefined;
  const detail = e?.text ? `: ${e.text}` : '';
  if (e?.name === 'SASLError') {
    // xmpp.js raises "No compatible mechanism available." as a SASLError whose condition is
    // that sentence, not an RFC 6120 §6.5 condition: the server offers no mechanism we have
    // (PLAIN only, in the browser build; worker/transports/xmpp/session.ts). A wrong password
    // is not the problem, so don't say it is.
    if (!e.condition || !RFC6120_SASL.has(e.condition))
      return {
        code: 'auth-mechanism',
        fatal: true,
        reason: `No login method both sides allow${detail || `: ${e.message}`}. Use a wss:// URL, or a server that offers PLAIN.`,
      };
    const condition = e.condition;
    // temporary-auth-failure is the one SASL condition that is worth a retry.
    return { code: 'auth', fatal: condition !== 'temporary-auth-failure', reason: `${SASL[condition] ?? 'Login failed'} (${condition})${detail}.` };
  }
  if (e?.name === 'StreamError' && e.condition)
    return {
      code: 'stream-error',
      fatal: FATAL_STREAM.has(e.condition),
      reason: `The XMPP server ended the stream: ${e.condition}${detail}.`,
    };
  if (e instanceof Error) return { code: 'network', fatal: false, reason: e.message || 'The connection failed.' };
  return { code: 'closed-by-server', fatal: false, reason: 'The XMPP server closed the connection.' };
}
