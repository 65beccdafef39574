import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long `pause` refuses every WebSocket, in ms. */
export const PAUSE_MS = 20_000;
/** How long a frozen socket is kept before it is freed, in ms: longer than any heartbeat. */
const FROZEN_FOR_MS = 120_000;

export type ControlAction = 'drop' | 'freeze' | 'pause';

/**
 * Buttons on the demo page that break the server on purpose, so a visitor can watch the
 * engine's heartbeat, backoff and outbox at work (`POST /demo/control/<action>`):
 * - `drop`: closes every WebSocket (relay and MQTT) at once, as a server restart does;
 * - `freeze`: keeps every WebSocket open but reads and writes nothing more on it, as a
 *   half-open link does; only the engine's heartbeat can notice;
 * - `pause`: drops them all and refuses new ones for 20 s, as a server that is down.
 * Only the demo server offers them (`controls: true`, demo/main.ts); tests start it without.
 */
export function demoControls() {
  const sockets = new Set<Socket>();
  let pausedUntil = 0;

  const drop = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const freeze = () => {
    for (const socket of sockets) {
      socket.pause();
      // Writes vanish too: neither side hears from the other, and neither is told.
      socket.write = () => true;
      setTimeout(() => socket.destroy(), FROZEN_FOR_MS).unref();
    }
    sockets.clear();
  };
  const actions: Record<ControlAction, () => void> = {
    drop,
    freeze,
    pause: () => {
      pausedUntil = Date.now() + PAUSE_MS;
      drop();
    },
  };

  return {
    /** Call for every WebSocket upgrade; false when paused (the caller destroys the socket). */
    admit(socket: Socket): boolean {
      if (Date.now() < pausedUntil) return false;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return true;
    },
    /** Handles `POST /demo/control/<action>`; false for any other request. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const action = req.url?.match(/^\/demo\/control\/(drop|freeze|pause)$/)?.[1] as ControlAction | undefined;
      if (!action || req.method !== 'POST') return false;
      actions[action]();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ action, pausedFor: Math.max(0, pausedUntil - Date.now()) }));
      return true;
    },
  };
}
