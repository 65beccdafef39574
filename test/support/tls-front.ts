import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

/**
 * A self-signed certificate for `localhost` and 127.0.0.1, made with Debian's openssl in a
 * temp folder. `certFile` can be given to Node as NODE_EXTRA_CA_CERTS to trust it.
 */
export interface TestCertificate {
  dir: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

export function makeSelfSignedCert(days = 30): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-keyout', keyFile, '-out', certFile, '-days', String(days),
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { dir, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

/** TLS on a port of its own in front of a plain TCP port, as a reverse proxy that terminates TLS does. */
export class TlsFront {
  readonly #sockets = new Set<Socket>();
  private constructor(readonly server: Server) {}

  static async start(cert: TestCertificate, targetPort: number): Promise<TlsFront> {
    const server = createServer({ key: cert.key, cert: cert.cert });
    const front = new TlsFront(server);
    server.on('secureConnection', (client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        front.#sockets.add(s);
        s.on('close', () => front.#sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    return front;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

export const removeCert = (cert: TestCertificate): void => rmSync(cert.dir, { recursive: true, force: true });
