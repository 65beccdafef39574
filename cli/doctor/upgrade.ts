import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { LayerFailure, withTimeout, type LayerOutcome } from './layer.ts';
import { hostPort, type Target } from './target.ts';

export interface UpgradeExpectation {
  /** The subprotocol the transport asks for (RFC 6455 §1.9), if any: `mqtt`, `xmpp`. */
  subprotocol?: string;
  /** A path that such servers commonly use, for the fix of a wrong path. */
  examplePath: string;
}

/**
 * Layer 4: the HTTP upgrade to WebSocket (RFC 6455 §4), on a connection of its own, with the
 * subprotocol the transport will ask for. `ws` reports a refused upgrade through
 * `unexpected-response`, which gives us the HTTP status; the socket is then closed at once.
 */
export async function checkUpgrade(target: Target, expect: UpgradeExpectation): Promise<LayerOutcome> {
  const where = hostPort(target);
  const ws = new WebSocket(target.url.href, expect.subprotocol ? [expect.subprotocol] : []);
  try {
    let response: IncomingMessage | undefined;
    ws.once('upgrade', (res) => (response = res));
    await withTimeout(
      // `open` follows `upgrade` once ws has checked the accept key and the subprotocol.
      new Promise<void>((done, fail) => {
        ws.once('open', done);
        ws.once('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
          req.destroy();
          fail(statusFailure(res, target, expect));
        });
        ws.once('error', (e) => fail(errorFailure(e, where, expect)));
      }),
      target.timeout,
      () =>
        response
          ? new LayerFailure('upgrade timeout: the server answered 101 but the WebSocket never opened', 'check the server and any proxy in front of it')
          : new LayerFailure(
              `upgrade timeout: ${where} accepted TCP but sent no HTTP answer to the WebSocket upgrade within ${target.timeout} ms`,
              'check that a WebSocket (HTTP) server listens on this port, not another kind of server, and that it is not stuck',
            ),
    );
    const protocol = ws.protocol || 'none';
    const server = response?.headers.server;
    return {
      detail: `HTTP ${response?.statusCode ?? 101}, subprotocol ${protocol}${server ? `, server ${server}` : ''}`,
      facts: { status: response?.statusCode ?? 101, subprotocol: protocol },
    };
  } finally {
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.terminate();
  }
}

function statusFailure(res: IncomingMessage, target: Target, expect: UpgradeExpectation): LayerFailure {
  const status = res.statusCode ?? 0;
  res.resume();
  const facts = { status };
  const path = target.url.pathname;
  if (status === 404)
    return new LayerFailure(`HTTP 404 on upgrade: nothing at ${path}`, `check the path, e.g. ${expect.examplePath}`, facts);
  if (status >= 300 && status < 400)
    return new LayerFailure(
      `HTTP ${status} on upgrade: the server redirects to ${res.headers.location ?? '(no Location)'}`,
      'use the final URL: browsers do not follow redirects on a WebSocket upgrade',
      facts,
    );
  if (status === 401 || status === 403)
    return new LayerFailure(`HTTP ${status} on upgrade: the server refused this client`, "check the server's allowed origins and access rules", facts);
  if (status === 501 || status === 400 || status === 426)
    return new LayerFailure(
      `HTTP ${status} on upgrade: the server refused this WebSocket request${expect.subprotocol ? '' : ' (sent without a subprotocol)'}`,
      `check that --protocol matches the server at this URL${expect.subprotocol ? ` (it asked for "${expect.subprotocol}")` : ' (an MQTT or XMPP endpoint wants its subprotocol)'}, and that no proxy strips the Upgrade header`,
      facts,
    );
  if (status >= 500)
    return new LayerFailure(
      `HTTP ${status} on upgrade: server error`,
      "check the server's log; behind a reverse proxy, check that it forwards the Upgrade and Connection headers and that the backend runs",
      facts,
    );
  return new LayerFailure(
    `HTTP ${status} on upgrade: an HTTP server answered at ${path}, but not as a WebSocket endpoint`,
    `check the port and the path, e.g. ${expect.examplePath}`,
    facts,
  );
}

function errorFailure(e: Error, where: string, expect: UpgradeExpectation): LayerFailure {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (/subprotocol/i.test(e.message))
    return new LayerFailure(
      `subprotocol refused: the server did not agree to "${expect.subprotocol}" (${e.message})`,
      `point the URL at an endpoint that speaks ${expect.subprotocol ?? 'this protocol'}, e.g. ${expect.examplePath}`,
      { code },
    );
  if (code === 'ECONNRESET' || /socket hang up/i.test(e.message))
    return new LayerFailure(
      `the server closed the connection during the WebSocket upgrade on ${where}`,
      `check the path, e.g. ${expect.examplePath}; a server hangs up on an upgrade for a path it does not serve`,
      { code },
    );
  if (/Invalid WebSocket frame|Parse Error|HPE_/i.test(e.message) || code.startsWith('HPE_'))
    return new LayerFailure(`not HTTP: ${where} answered the upgrade with something else (${e.message})`, 'check the port: another kind of server listens there', { code });
  return new LayerFailure(`WebSocket upgrade failed on ${where}: ${e.message}`, 'check the URL and the server', { code });
}
