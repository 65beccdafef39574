import { connect, createServer, type AddressInfo } from 'node:net';

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Resolves once something accepts TCP connections on `port`; fails after `timeout` ms. */
export async function waitForPort(port: number, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`nothing listens on port ${port} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
