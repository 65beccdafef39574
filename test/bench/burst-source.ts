import { WebSocketServer, type WebSocket } from 'ws';
import { JSON_PROTOCOL_VERSION, parseFrame, type ClientFrame } from '../../worker/transports/json/wire.ts';

/**
 * A bench-only server of Parley's JSON protocol (worker/transports/json/wire.ts) that pushes a
 * burst of pre-serialised `msg` frames as fast as the socket takes them. The inbound burst
 * (test/bench/inbound.ts) used to be fed by a Node client through the demo relay, which stores,
 * acks and re-serialises every message and so fed 2.2–4.7 k msg/s: less than raw IndexedDB
 * takes, so the figure measured the relay, not the engine. This source does nothing per message
 * but one `ws.send` of a string built before the clock starts. It answers just what a
 * connecting engine needs: hello → welcome, join → history-end and joined, ping → pong.
 */
export interface BurstSource {
  url: string;
  /**
   * Serialises `count` messages for `room` (ids `${prefix}-${i}`, from `from`) now; the returned
   * `send` pushes them to every socket joined to the room and resolves with the epoch ms
   * (sub-ms) at which the last one was handed to the kernel (ws's write callback).
   */
  prepare(room: string, count: number, prefix: string, from?: string): { send(): Promise<number> };
  /** Sockets that have joined `room`. */
  joined(room: string): number;
  close(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();

export async function startBurstSource(): Promise<BurstSource> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((listening) => wss.once('listening', listening));
  const rooms = new Map<WebSocket, Set<string>>();
  /** The highest seq sent so far, so that a later join's `joined` covers it. */
  let seq = 0;
  wss.on('connection', (ws) => {
    rooms.set(ws, new Set());
    ws.on('close', () => rooms.delete(ws));
    ws.on('message', (data) => {
      const frame = parseFrame<ClientFrame>(data.toString());
      if (typeof frame === 'string') return;
      const reply = (f: object) => ws.send(JSON.stringify(f));
      if (frame.type === 'hello')
        return frame.v === JSON_PROTOCOL_VERSION ? reply({ type: 'welcome', user: frame.user, verified: false }) : ws.close(4000, 'version');
      if (frame.type === 'join') {
        rooms.get(ws)?.add(frame.room);
        reply({ type: 'history-end', room: frame.room });
        return reply({ type: 'joined', room: frame.room, seq });
      }
      if (frame.type === 'ping') reply({ type: 'pong' });
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    joined: (room) => [...rooms.values()].filter((r) => r.has(room)).length,
    prepare(room, count, prefix, from = 'pusher') {
      const ts = Date.now();
      const first = seq + 1;
      const frames = Array.from({ length: count }, (_, i) =>
        JSON.stringify({ type: 'msg', id: `${prefix}-${i}`, room, from, text: `burst ${i}`, ts, seq: first + i }),
      );
      seq += count;
      return {
        async send() {
          const sockets = [...rooms].filter(([, r]) => r.has(room)).map(([ws]) => ws);
          const written = sockets.map(
            (ws) =>
              new Promise<number>((done, fail) => {
                for (let i = 0; i < frames.length - 1; i++) ws.send(frames[i]!);
                ws.send(frames.at(-1)!, (e) => (e ? fail(e) : done(now())));
              }),
          );
          return Math.max(...(await Promise.all(written)));
        },
      };
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const ws of rooms.keys()) ws.terminate();
        wss.close(() => closed());
      }),
  };
}
