import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestRunnerPlugin } from '@web/test-runner';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseFrame, type ClientFrame } from '../../worker/transports/json/wire.ts';

/**
 * A hostile "site backend" for the JSON protocol (worker/transports/json/wire.ts): it greets and
 * joins like the relay, and then sends whatever frames a test hands it, however malformed.
 * Server commands:
 * - `hostile-json-url` → its ws:// URL;
 * - `hostile-json-send {room, frames, raw?, binary?}`: sends each frame (any JSON value, as given;
 *   with `raw`, each string exactly as written, valid JSON or not) and then `binary` frames of
 *   random bytes, to every socket that joined `room`; returns how many sockets it reached;
 * - `fuzz-seed` → PARLEY_FUZZ_SEED if set, else a fresh seed (test/support/fuzz.ts).
 */
export function hostileJsonServer(): TestRunnerPlugin {
  let wss: WebSocketServer | undefined;
  const rooms = new Map<WebSocket, Set<string>>();
  const reply = (ws: WebSocket, frame: object) => ws.send(JSON.stringify(frame));

  return {
    name: 'parley-hostile-json',
    async serverStart() {
      wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await new Promise((listening) => wss!.once('listening', listening));
      wss.on('connection', (ws) => {
        rooms.set(ws, new Set());
        ws.on('close', () => rooms.delete(ws));
        ws.on('message', (data) => {
          const frame = parseFrame<ClientFrame>(data.toString());
          if (typeof frame === 'string') return;
          if (frame.type === 'hello') reply(ws, { type: 'welcome', user: frame.user });
          else if (frame.type === 'ping') reply(ws, { type: 'pong' });
          else if (frame.type === 'join') {
            rooms.get(ws)?.add(frame.room);
            reply(ws, { type: 'joined', room: frame.room, seq: 0 });
          }
        });
      });
    },
    async serverStop() {
      for (const ws of rooms.keys()) ws.terminate();
      await new Promise((closed) => (wss ? wss.close(closed) : closed(undefined)));
    },
    async executeCommand({ command, payload }) {
      if (command === 'hostile-json-url') return `ws://127.0.0.1:${(wss!.address() as AddressInfo).port}/`;
      if (command === 'fuzz-seed') return Number(process.env.PARLEY_FUZZ_SEED) || randomInt(1, 2 ** 31);
      if (command !== 'hostile-json-send') return undefined;
      const { room, frames, raw, binary = 0 } = payload as { room: string; frames: unknown[]; raw?: boolean; binary?: number };
      let reached = 0;
      for (const [ws, joined] of rooms)
        if (joined.has(room)) {
          for (const frame of frames) ws.send(raw ? String(frame) : JSON.stringify(frame));
          for (let i = 0; i < binary; i++) ws.send(randomBytes(randomInt(1, 2_000)));
          reached += 1;
        }
      return reached;
    },
  };
}
