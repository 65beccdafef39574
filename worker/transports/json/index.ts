import type { ConnectionConfig } from '../../api.ts';
import { ProtocolError, ValidationError } from '../../errors.ts';
import {
  JSON_PROTOCOL_VERSION,
  parseFrame,
  type ClientFrame,
  type ServerFrame,
} from './wire.ts';
import type { Transport, TransportEvents, TransportFactory } from '../transport.ts';

/** Codes the relay uses for a refusal that reconnecting cannot fix. */
const FATAL_CODES = new Set(['auth', 'banned', 'version']);

/** Parley's JSON protocol (see wire.ts) over one WebSocket. */
export const createTransport: TransportFactory = (config, events) => new JsonTransport(config, events);

class JsonTransport implements Transport {
  #socket?: WebSocket;
  #refusal?: { code: string; message: string };

  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
  ) {}

  open(): void {
    const socket = new WebSocket(this.config.url);
    this.#socket = socket;
    socket.onopen = () =>
      this.#write({ type: 'hello', v: JSON_PROTOCOL_VERSION, user: this.config.user, token: this.config.password });
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const refusal = this.#refusal;
      this.events.close(
        refusal
          ? { code: refusal.code, reason: refusal.message, fatal: true }
          : { code: 'closed-by-server', reason: event.reason || `WebSocket closed (${event.code})`, fatal: false },
      );
    };
    // A failed connect fires `error` then `close`; the close handler reports it.
    socket.onerror = () => undefined;
  }

  join(room: string, after?: number | string): void {
    this.#write({ type: 'join', room, after: typeof after === 'number' ? after : undefined });
  }

  send(message: { id: string; room: string; text: string; ts: number }): void {
    this.#write({ type: 'msg', id: message.id, room: message.room, text: message.text, ts: message.ts });
  }

  typing(room: string, typing: boolean): void {
    this.#write({ type: 'typing', room, typing });
  }

  older(room: string, before: number | string, limit: number): void {
    if (typeof before === 'number') this.#write({ type: 'older', room, before, limit });
  }

  ping(): void {
    this.#write({ type: 'ping' });
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'client closed');
  }

  #write(frame: ClientFrame): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #receive(data: unknown): void {
    this.events.activity();
    const frame = parseFrame<ServerFrame>(data);
    if (typeof frame === 'string') {
      this.events.error(new ProtocolError('bad-frame', `Ignored a frame from the server: ${frame}.`));
      return;
    }
    switch (frame.type) {
      case 'welcome':
        return this.events.open();
      case 'msg':
        if (typeof frame.id !== 'string' || typeof frame.room !== 'string' || typeof frame.text !== 'string')
          return this.events.error(new ProtocolError('bad-frame', 'Ignored a message with no id, room or text.'));
        // The relay needs no per-message acknowledgement from us: its `join` replay covers a loss.
        return void this.events.message({
          id: String(frame.id),
          room: String(frame.room),
          from: String(frame.from),
          text: String(frame.text),
          ts: Number(frame.ts),
          seq: Number(frame.seq),
        });
      case 'ack':
        return this.events.ack(frame.id, { seq: frame.seq, ts: frame.ts });
      case 'joined':
        return this.events.caughtUp(frame.room, frame.seq);
      case 'history-end':
        return this.events.historyEnd(frame.room);
      case 'typing':
        return this.events.typing(frame.room, frame.from, frame.typing);
      case 'pong':
        return;
      case 'error':
        if (frame.id) return this.events.reject(frame.id, new ValidationError(frame.code, frame.message));
        if (frame.fatal || FATAL_CODES.has(frame.code)) {
          // The server closes the socket next; report the refusal as the reason.
          this.#refusal = { code: frame.code, message: frame.message };
          return;
        }
        return this.events.error(new ProtocolError(frame.code, frame.message));
      default:
        this.events.error(
          new ProtocolError('bad-frame', `Ignored a frame of unknown type "${(frame as { type: string }).type}".`),
        );
    }
  }
}
