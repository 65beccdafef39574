import type { ConnectionConfig } from '../../api.ts';
import type { CloseCode, ErrorCode } from '../../codes.ts';
import { ProtocolError, ValidationError } from '../../errors.ts';
import { checkInbound, saneTime } from '../inbound.ts';
import {
  JSON_PROTOCOL_VERSION,
  parseFrame,
  type ClientFrame,
  type ServerFrame,
  type WireMessage,
} from './wire.ts';
import type { CloseInfo, Cursor, OutgoingMessage, Transport, TransportEvents, TransportModule } from '../transport.ts';

/** Relay refusals that end the link for good, mapped onto worker/codes.ts; any other fatal one is `closed-by-server`. */
const FATAL: Record<string, CloseCode> = { auth: 'auth', banned: 'banned', version: 'version', 'bad-user': 'config', origin: 'config' };
/** Relay refusals of one message (`error` with an `id`); any other code is `refused`. */
const REJECT: Record<string, ErrorCode> = { 'not-joined': 'not-joined', empty: 'empty', 'too-long': 'too-long' };
/** Shown as the sender of a message whose frame names none. */
export const UNKNOWN_SENDER = 'unknown';

/** Parley's JSON protocol (see wire.ts) over one WebSocket. No per-connection state. */
export const transport: TransportModule<undefined> = {
  capabilities: { cursor: 'seq', serverHistory: true, receipts: false, readMarkers: true, upload: false, senderName: 'name' },
  session: () => undefined,
  create: (config, events) => new JsonTransport(config, events),
};

const seqOf = (cursor: Cursor | undefined): number | undefined => (cursor?.kind === 'seq' ? cursor.seq : undefined);

class JsonTransport implements Transport {
  #socket?: WebSocket;
  #refusal?: CloseInfo;
  /** The server's `welcome` came: the link is open, and a second one means nothing. */
  #welcomed = false;
  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
  ) {}

  open(): void {
    const socket = new WebSocket(this.config.url);
    this.#socket = socket;
    socket.onopen = () =>
      this.#write({
        type: 'hello',
        v: JSON_PROTOCOL_VERSION,
        user: this.config.user,
        name: this.config.name,
        token: this.config.password,
        signature: this.config.signature,
      });
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) =>
      this.events.close(
        this.#refusal ?? { code: 'closed-by-server', reason: event.reason || `WebSocket closed (${event.code})`, fatal: false },
      );
    // A failed connect fires `error` then `close`; the close handler reports it.
    socket.onerror = () => undefined;
  }

  join(room: string, after?: Cursor): void {
    this.#write({ type: 'join', room, after: seqOf(after) });
  }

  send(message: OutgoingMessage): void {
    const { id, room, text, ts, attachments } = message;
    this.#write({ type: 'msg', id, room, text, ts, ...(attachments?.length ? { attachments } : {}) });
  }

  typing(room: string, typing: boolean): void {
    this.#write({ type: 'typing', room, typing });
  }

  older(room: string, before: Cursor, limit: number): void {
    const seq = seqOf(before);
    if (seq !== undefined) this.#write({ type: 'older', room, before: seq, limit });
  }

  markRead(room: string, id: string): void {
    this.#write({ type: 'read', room, id });
  }

  ping(): void {
    this.#write({ type: 'ping' });
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    // Stops the work: no more frames are read, and the close handshake reports nothing.
    socket.onmessage = socket.onclose = null;
    socket.close(1000, 'client closed');
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
        if (this.#welcomed) return this.#bad('a second "welcome"');
        this.#welcomed = true;
        return this.events.open();
      case 'msg':
        return this.#message(frame);
      case 'ack':
        return this.events.ack(String(frame.id), {
          cursor: Number.isSafeInteger(frame.seq) ? { kind: 'seq', seq: frame.seq } : undefined,
          // The relay's time for our message, held to the same window as any inbound time.
          ts: saneTime(frame.ts, Date.now()),
        });
      case 'joined': {
        if (typeof frame.room !== 'string') return this.#bad('a "joined" frame without a room');
        // The cursor first: `joined` waits for what is queued to store before it.
        if (Number.isSafeInteger(frame.seq)) this.events.caughtUp(frame.room, { kind: 'seq', seq: frame.seq });
        return this.events.joined(frame.room);
      }
      case 'history-end':
        if (typeof frame.room !== 'string') return this.#bad('a "history-end" frame without a room');
        return this.events.historyEnd(frame.room);
      case 'typing':
        if (typeof frame.room !== 'string' || typeof frame.from !== 'string' || typeof frame.typing !== 'boolean')
          return this.#bad('a "typing" frame without a room, a sender or a boolean "typing"');
        return this.events.typing(frame.room, frame.from, frame.typing, typeof frame.name === 'string' ? frame.name.slice(0, 256) : undefined);
      case 'read':
        if (typeof frame.room !== 'string' || typeof frame.from !== 'string' || typeof frame.id !== 'string')
          return this.#bad('a "read" frame without a room, a reader or a message id');
        // Our own marker from another device says nothing about whether a peer read our messages.
        if (frame.from !== this.config.user) this.events.receipt(frame.id, 'read');
        return;
      case 'pong':
        return;
      case 'error':
        return this.#error(frame);
      default:
        this.#bad(`a frame of unknown type "${(frame as { type: string }).type}"`);
    }
  }

  #message(frame: Partial<Record<keyof WireMessage, unknown>>): void {
    const checked = checkInbound(
      {
        id: frame.id,
        room: frame.room,
        from: frame.from,
        name: frame.name,
        text: frame.text,
        ts: frame.ts,
        cursor: { kind: 'seq', seq: frame.seq },
        attachments: frame.attachments,
      },
      { now: Date.now(), unknownSender: UNKNOWN_SENDER },
    );
    if (!checked.ok) return this.events.error(checked.error);
    if (checked.warning) this.events.error(checked.warning);
    // Nothing to withhold if the engine cannot store it: the relay wants no acknowledgement,
    // and the Connection drops the link and keeps the room's cursor before the lost message
    // (worker/delivery.ts queues `caughtUp` behind the stores), so the next link's join, with
    // `after` = the stored cursor, makes the relay replay it. The failure is the Connection's
    // to report; here it only must not go unhandled.
    this.events.message(checked.message).catch(() => undefined);
  }

  /** Relay error codes mapped onto worker/codes.ts; the relay's own code and words stay in the message. */
  #error(frame: Extract<ServerFrame, { type: 'error' }>): void {
    const words = `${frame.message} (${frame.code})`;
    if (frame.id) return this.events.reject(frame.id, new ValidationError(REJECT[frame.code] ?? 'refused', words));
    const fatal = FATAL[frame.code];
    // The relay closes the socket next; report the refusal as the reason then.
    if (frame.fatal || fatal) this.#refusal = { code: fatal ?? 'closed-by-server', reason: words, fatal: true };
    else if (frame.code === 'rate-limited') this.events.error(new ProtocolError('rate-limited', words));
    else this.events.error(new ProtocolError('refused', `The relay refused a request: ${words}.`));
  }

  #bad(what: string): void {
    this.events.error(new ProtocolError('bad-frame', `Ignored ${what} from the server.`));
  }
}
