import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP front for the demo server's POST /upload that holds each upload until the test opens
 * the gate, so that a test can reload or close a tab, or cancel, while an upload is under way.
 * `fail(n)` answers the next n uploads 503, as a server that is briefly down. Counts what came
 * in, what the client gave up on (an aborted XHR) and what reached the upload server.
 */
export class UploadGate {
  open = false;
  failNext = 0;
  readonly stats = { requests: 0, aborted: 0, forwarded: 0, refused: 0 };
  readonly #held = new Set<() => void>();

  private constructor(
    readonly server: Server,
    readonly target: string,
  ) {}

  static async start(target: string): Promise<UploadGate> {
    const server = createServer();
    const gate = new UploadGate(server, target);
    server.on('request', (req, res) => gate.#handle(req, res));
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/upload`;
  }

  set(open: boolean): void {
    this.open = open;
    if (open) for (const go of [...this.#held]) go();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    // The preflight goes straight through: the demo server decides who may upload.
    if (req.method !== 'POST') return this.#forward(req, res);
    this.stats.requests += 1;
    let gone = false;
    // The client went away (an aborted XHR) before its upload was forwarded.
    res.on('close', () => {
      if (!res.writableFinished && !gone) this.stats.aborted += 1;
      gone = true;
    });
    if (this.failNext > 0) {
      this.failNext -= 1;
      this.stats.refused += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', ...(origin ? { 'access-control-allow-origin': origin } : {}) });
      return void res.end(JSON.stringify({ error: 'busy', message: 'Try again later.' }));
    }
    const go = () => {
      this.#held.delete(go);
      if (!gone) this.#forward(req, res);
    };
    if (this.open) go();
    else this.#held.add(go);
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'POST') this.stats.forwarded += 1;
    const upstream = request(`${this.target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
