import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { waitFor } from './wait.ts';

/**
 * Loopback TCP ports that nothing listens on right now, `count` of them, all different: every
 * port a test hands to a server it starts comes from here (never a random number in a range,
 * which collides with other runs on the same machine).
 */
export async function freePorts(count: number): Promise<number[]> {
  // All held open at once, so the system cannot hand out the same port twice.
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  return ports;
}

/** One free loopback port; see freePorts. */
export const freePort = async (): Promise<number> => (await freePorts(1))[0]!;

const accepts = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });

/** Resolves once something accepts TCP connections on `port`; fails after `timeout` ms. */
export async function waitForPort(port: number, timeout = 10_000): Promise<void> {
  await waitFor(() => accepts(port), timeout, `something to listen on port ${port}`, 50);
}
