import { isIP } from 'node:net';
import { checkServerIdentity, connect, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { LayerFailure, withTimeout, type LayerOutcome } from './layer.ts';
import { hostPort, type Target } from './target.ts';

/** A certificate that ends within this many days is reported as a warning in the detail. */
const EXPIRY_WARNING_DAYS = 14;
const DAY = 86_400_000;

/**
 * Layer 3 (wss:// only): a TLS handshake as the browser would do it (SNI, the system's CAs
 * plus NODE_EXTRA_CA_CERTS), but without giving up on a bad certificate, so the doctor can say
 * what is wrong with it: the chain, the host name, the dates.
 */
export async function checkTls(target: Target, address: string, now = Date.now()): Promise<LayerOutcome> {
  const where = hostPort({ host: address, port: target.port });
  const socket = connect({
    host: address,
    port: target.port,
    // SNI is for names only (RFC 6066 §3).
    servername: isIP(target.host) ? undefined : target.host,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  });
  try {
    await withTimeout(
      new Promise<void>((done, fail) => {
        socket.once('secureConnect', done);
        socket.once('error', (e) => fail(handshakeFailure(where, e)));
      }),
      target.timeout,
      () =>
        new LayerFailure(
          `TLS timeout: no TLS handshake from ${where} within ${target.timeout} ms`,
          'the port accepts TCP but does not speak TLS: check the port, or use ws:// if the server has no TLS',
        ),
    );
    const cert = socket.getPeerCertificate(true);
    const subject = subjectOf(cert);
    const validTo = new Date(cert.valid_to);
    const daysLeft = Math.round((validTo.getTime() - now) / DAY);
    const facts = { subject, issuer: nameOf(cert.issuer), validTo: validTo.toISOString(), daysLeft, chain: chainOf(cert), protocol: socket.getProtocol() ?? '' };
    const refusal = socket.authorized ? undefined : String(socket.authorizationError ?? '');
    // Node checks the name itself for an IP address and reports it as a refusal; for a name we ask.
    const mismatch = refusal === 'ERR_TLS_CERT_ALTNAME_INVALID' || (!refusal && checkServerIdentity(target.host, cert));
    if (refusal && !mismatch) throw chainFailure(refusal, subject, validTo, facts);
    if (mismatch)
      throw new LayerFailure(
        `certificate name mismatch: the certificate is for ${cert.subjectaltname || subject}, not ${target.host}`,
        `use the host name the certificate names, or get a certificate that includes ${target.host}`,
        facts,
      );
    const warning = daysLeft < EXPIRY_WARNING_DAYS ? ` (expires in ${daysLeft} days: renew it soon)` : '';
    return { detail: `${facts.protocol}, certificate ${subject}, issued by ${facts.issuer}, valid until ${validTo.toISOString().slice(0, 10)}${warning}`, facts };
  } finally {
    socket.destroy();
  }
}

const nameOf = (name: PeerCertificate['subject'] | undefined): string =>
  name?.CN ? `CN=${name.CN}` : Object.entries(name ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '(empty)';

const subjectOf = (cert: PeerCertificate): string => nameOf(cert.subject);

/** Subjects from the server's certificate up to the last one it sent or the CA that signed it. */
function chainOf(cert: DetailedPeerCertificate): string[] {
  const chain: string[] = [];
  let at: DetailedPeerCertificate | undefined = cert;
  while (at && chain.length < 10) {
    chain.push(subjectOf(at));
    // A self-signed certificate is its own issuer: the walk ends there.
    at = at.issuerCertificate && at.issuerCertificate !== at ? at.issuerCertificate : undefined;
  }
  return chain;
}

/** OpenSSL's verify codes (as Node reports them in `authorizationError`) as a cause and a fix. */
function chainFailure(code: string, subject: string, validTo: Date, facts: LayerOutcome['facts']): LayerFailure {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return new LayerFailure(`self-signed certificate (${subject}): browsers will refuse it`, 'use a certificate from a public CA (e.g. an ACME one), or for a test add its CA with NODE_EXTRA_CA_CERTS', facts);
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return new LayerFailure(`untrusted CA: the chain of ${subject} ends at a CA this machine does not trust (${code})`, 'use a certificate from a public CA, or install your private CA on every client', facts);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return new LayerFailure(`incomplete chain: the server sends ${subject} without its intermediate certificate (${code})`, 'configure the server with the full chain (certificate followed by intermediates)', facts);
    case 'CERT_HAS_EXPIRED':
      return new LayerFailure(`certificate expired on ${validTo.toISOString().slice(0, 10)} (${subject})`, 'renew the certificate and reload the server', facts);
    case 'CERT_NOT_YET_VALID':
      return new LayerFailure(`certificate not valid yet (${subject})`, "check the server's and this machine's clocks", facts);
    default:
      return new LayerFailure(`certificate refused: ${code || 'unknown reason'} (${subject})`, 'check the certificate and its chain on the server', facts);
  }
}

function handshakeFailure(where: string, e: Error): LayerFailure {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (/wrong version number|packet length too long|unknown protocol/i.test(e.message))
    return new LayerFailure(`no TLS on ${where}: the server answered in plain text`, 'use ws:// for this port, or the port where the server speaks TLS', { code });
  if (code === 'ECONNRESET')
    return new LayerFailure(`the server reset the connection during the TLS handshake on ${where}`, 'check the TLS settings (protocol versions, SNI name) on the server', { code });
  return new LayerFailure(`TLS handshake with ${where} failed: ${e.message}`, 'check the TLS settings and certificate on the server', { code });
}
