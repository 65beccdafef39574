import { connect } from 'node:net';
import { LayerFailure, withTimeout, type LayerOutcome } from './layer.ts';
import { hostPort, type Target } from './target.ts';

/** Layer 2: a plain TCP connection to the resolved address, closed at once. */
export async function checkTcp(target: Target, address: string): Promise<LayerOutcome> {
  const where = hostPort({ host: address, port: target.port });
  const socket = connect({ host: address, port: target.port });
  try {
    await withTimeout(
      new Promise<void>((done, fail) => {
        socket.once('connect', done);
        socket.once('error', (e) => fail(tcpFailure(where, e)));
      }),
      target.timeout,
      () =>
        new LayerFailure(
          `TCP timeout: no answer from ${where} within ${target.timeout} ms`,
          'a firewall may drop the packets, or the host is down: check the port, the firewall and that the host is up',
        ),
    );
  } finally {
    socket.destroy();
  }
  return { detail: `connected to ${where}` };
}

/** Socket errors (errno codes) as a cause and a fix. */
export function tcpFailure(where: string, e: Error): LayerFailure {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const facts = { code };
  switch (code) {
    case 'ECONNREFUSED':
      return new LayerFailure(`connection refused: nothing listens on ${where}`, 'start the server, or check the port in the URL', facts);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new LayerFailure(`no route to ${where} (${code})`, 'check the network, the address and any firewall between here and the server', facts);
    case 'ECONNRESET':
      return new LayerFailure(`connection reset by ${where}`, 'a firewall or the server dropped the connection: check both', facts);
    default:
      return new LayerFailure(`could not connect to ${where}: ${e.message}`, 'check the host and port in the URL', facts);
  }
}
