import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';

/** A server the doctor must not mistake for a chat server. `close()` ends it and its connections. */
export interface OddServer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server | HttpServer, sockets: Set<Socket>): Promise<OddServer> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Accepts TCP connections and never sends a byte: a hung process, or the wrong kind of server waiting for its client to speak first. */
export const startSilentServer = (): Promise<OddServer> => listen(createServer(() => undefined), new Set());

/** A plain web server: every request, upgrade or not, gets `200 OK` and a page. */
export const startPlainHttpServer = (): Promise<OddServer> =>
  listen(
    createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>It works</h1>')),
    new Set(),
  );

/**
 * A relay that logs clients in (hello → welcome) and then never answers: a stuck backend
 * behind a live WebSocket, as far as the doctor can tell.
 */
export async function startMuteRelay(): Promise<OddServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((ready) => wss.once('listening', ready));
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type?: string; user?: string };
      if (frame.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', user: frame.user }));
    }),
  );
  return {
    port: (wss.address() as AddressInfo).port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
