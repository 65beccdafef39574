import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  JSON_PROTOCOL_VERSION,
  MAX_FRAME_BYTES,
  parseFrame,
  type ClientFrame,
  type ServerFrame,
} from '../worker/transports/json/wire.ts';
import { relayGuards, type RelayLimits } from './relay-guards.ts';
import { checkAttachments } from '../worker/transports/attachments.ts';
import type { RelayStore } from './relay-store.ts';

export interface RelayOptions {
  store: RelayStore;
  /** If set, clients must send it as `token` in their hello. Default: anyone may join. */
  token?: string;
  /** Longest message text, in characters. Default 10 000. */
  maxTextLength?: number;
  /**
   * If set, every hello must carry `signature`, the hex HMAC-SHA256 of its `user` keyed with
   * this secret, which the site's backend computes for a signed-in visitor (docs/identity.md).
   * Default: ids are taken as given, so anyone may claim any id.
   */
  identitySecret?: string;
  /** Who may connect, and how fast each socket may send; see demo/relay-guards.ts. */
  limits?: RelayLimits;
}

/** The signature a site's backend gives a visitor: hex HMAC-SHA256 of the user id. */
export const signIdentity = (secret: string, user: string): string => createHmac('sha256', secret).update(user).digest('hex');

const sameSignature = (expected: string, given: unknown): boolean =>
  typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/** Most stored messages sent in one catch-up batch; the rest follow in later batches. */
const BATCH = 500;
/** Messages a first join shows, with no cursor. */
const FIRST_PAGE = 50;

interface Client {
  user?: string;
  name?: string;
  rooms: Set<string>;
  /** Chat messages over the socket's rate, handled in order as the rate allows. */
  waiting: ClientFrame[];
  /** The timer that handles `waiting` next, while there is one. */
  drain?: ReturnType<typeof setTimeout>;
}

/** Messages a socket may have waiting over its rate; beyond it the relay closes the socket. */
const MAX_WAITING = 1_000;

/**
 * The demo JSON relay: broadcasts each message to the others in its room, acks the sender
 * with the stored sequence number, and replays what a client missed when it rejoins.
 */
export function createRelay(options: RelayOptions): WebSocketServer {
  const { store, token } = options;
  const maxText = options.maxTextLength ?? 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const guards = relayGuards(options.limits);
  const clients = new Map<WebSocket, Client>();

  const send = (ws: WebSocket, frame: ServerFrame) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
  const toRoom = (room: string, except: WebSocket, frame: ServerFrame) => {
    for (const [ws, c] of clients) if (ws !== except && c.rooms.has(room)) send(ws, frame);
  };
  const refuse = (ws: WebSocket, code: string, message: string) => {
    send(ws, { type: 'error', code, message, fatal: true });
    ws.close(4000, code);
  };

  function handle(ws: WebSocket, client: Client, frame: ClientFrame): void {
    if (frame.type === 'hello') {
      if (frame.v !== JSON_PROTOCOL_VERSION) return refuse(ws, 'version', `This relay speaks version ${JSON_PROTOCOL_VERSION}.`);
      if (token && frame.token !== token) return refuse(ws, 'auth', 'The token is wrong or missing.');
      if (typeof frame.user !== 'string' || !frame.user.trim() || frame.user.length > 64)
        return refuse(ws, 'bad-user', 'A user id of 1 to 64 characters is required.');
      if (frame.name !== undefined && (typeof frame.name !== 'string' || !frame.name.trim() || frame.name.length > 64))
        return refuse(ws, 'bad-user', 'A display name must be 1 to 64 characters.');
      const secret = options.identitySecret;
      if (secret && !sameSignature(signIdentity(secret, frame.user), frame.signature))
        return refuse(ws, 'auth', 'The identity signature is missing or wrong: the site must sign the user id.');
      client.user = frame.user;
      client.name = frame.name;
      return void send(ws, { type: 'welcome', user: frame.user, verified: Boolean(secret) });
    }
    if (!client.user) return refuse(ws, 'no-hello', 'Send hello first.');
    switch (frame.type) {
      case 'join': {
        if (typeof frame.room !== 'string' || !frame.room) return void send(ws, { type: 'error', code: 'bad-room', message: 'A room name is required.' });
        client.rooms.add(frame.room);
        if (typeof frame.after !== 'number') {
          const page = store.latest(frame.room, FIRST_PAGE);
          for (const m of page) send(ws, { type: 'msg', ...m });
          if (page.length < FIRST_PAGE) send(ws, { type: 'history-end', room: frame.room });
        } else {
          for (let after = frame.after, batch; (batch = store.after(frame.room, after, BATCH)).length; ) {
            for (const m of batch) send(ws, { type: 'msg', ...m });
            after = batch[batch.length - 1]!.seq;
          }
        }
        // Single-threaded: nothing else was sent to this room in between.
        return void send(ws, { type: 'joined', room: frame.room, seq: store.lastSeq() });
      }
      case 'msg': {
        const id = typeof frame.id === 'string' && frame.id.length <= 100 ? frame.id : undefined;
        if (!id) return void send(ws, { type: 'error', code: 'bad-frame', message: 'A message needs an id of at most 100 characters.' });
        const reject = (code: string, message: string) => send(ws, { type: 'error', code, message, id });
        if (!client.rooms.has(frame.room)) return void reject('not-joined', 'Join the room before sending to it.');
        if (typeof frame.text !== 'string') return void reject('bad-frame', "A message's text must be a string.");
        // The same schema the engine reads them with; anything it would drop is refused here.
        const files = checkAttachments(frame.attachments);
        if (files.dropped.length) return void reject('bad-attachments', `Refused the message's files: ${files.dropped.join('; ')}.`);
        const attachments = files.attachments.length ? files.attachments : undefined;
        if (!frame.text.trim() && !attachments) return void reject('empty', 'The message is empty.');
        if (frame.text.length > maxText) return void reject('too-long', `Messages can be at most ${maxText} characters.`);
        const { stored, fresh } = store.add({ id, room: frame.room, from: client.user, name: client.name, text: frame.text, ts: Date.now(), attachments });
        send(ws, { type: 'ack', id, seq: stored.seq, ts: stored.ts });
        // A resend of a stored id is acked again but not shown twice.
        if (fresh) toRoom(frame.room, ws, { type: 'msg', ...stored });
        return;
      }
      case 'older': {
        if (typeof frame.room !== 'string' || !client.rooms.has(frame.room) || typeof frame.before !== 'number')
          return void send(ws, { type: 'error', code: 'bad-frame', message: 'older needs a joined room and a numeric before.' });
        const limit = Math.min(Math.max(1, Number(frame.limit) || FIRST_PAGE), BATCH);
        const page = store.before(frame.room, Number(frame.before), limit);
        for (const m of page) send(ws, { type: 'msg', ...m });
        if (page.length < limit) send(ws, { type: 'history-end', room: frame.room });
        return;
      }
      case 'typing':
        if (typeof frame.room !== 'string' || !frame.room)
          return void send(ws, { type: 'error', code: 'bad-room', message: 'A typing notice needs a room name.' });
        if (typeof frame.typing !== 'boolean')
          return void send(ws, { type: 'error', code: 'bad-frame', message: 'A typing notice needs typing: true or false.' });
        // A notice for a room this socket has not joined is dropped without a word: it can race a
        // rejoin after a reconnect, and nobody there would see it anyway.
        if (client.rooms.has(frame.room)) toRoom(frame.room, ws, { type: 'typing', room: frame.room, from: client.user, name: client.name, typing: frame.typing });
        return;
      case 'read': {
        if (typeof frame.room !== 'string' || !frame.room)
          return void send(ws, { type: 'error', code: 'bad-room', message: 'A read marker needs a room name.' });
        if (typeof frame.id !== 'string' || !frame.id || frame.id.length > 100)
          return void send(ws, { type: 'error', code: 'bad-frame', message: 'A read marker needs the id of a message, of at most 100 characters.' });
        // Like typing: a marker for a room this socket has not joined reaches nobody.
        if (client.rooms.has(frame.room)) toRoom(frame.room, ws, { type: 'read', room: frame.room, from: client.user, id: frame.id });
        return;
      }
      case 'ping':
        return void send(ws, { type: 'pong' });
      default:
        send(ws, { type: 'error', code: 'bad-frame', message: `Unknown frame type "${(frame as { type: string }).type}".` });
    }
  }

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const refusal = guards.admit(req);
    if (refusal) {
      send(ws, { type: 'error', code: refusal.code, message: refusal.message, fatal: refusal.fatal || undefined });
      // RFC 6455 §7.4.1: 1008 policy violation; 1013 try again later.
      return void ws.close(refusal.fatal ? 1008 : 1013, refusal.code);
    }
    const released = guards.opened(req);
    const client: Client = { rooms: new Set(), waiting: [] };
    const bucket = guards.bucket();
    clients.set(ws, client);
    const safely = (frame: ClientFrame) => {
      // A hostile frame that slips past the checks must cost its sender an error, not the relay.
      try {
        handle(ws, client, frame);
      } catch (e) {
        send(ws, { type: 'error', code: 'bad-frame', message: `The relay could not handle that frame: ${e instanceof Error ? e.message : e}` });
      }
    };
    // Messages over the rate wait their turn rather than being refused: nothing is lost and the
    // order holds, while pings and typing notices are answered at once.
    const drain = () => {
      client.drain = undefined;
      let wait = 0;
      while (client.waiting.length && !(wait = bucket.take())) safely(client.waiting.shift()!);
      if (client.waiting.length) client.drain = setTimeout(drain, wait);
    };
    ws.on('message', (data, isBinary) => {
      const frame = parseFrame<ClientFrame>(isBinary ? null : data.toString());
      if (typeof frame === 'string') return void send(ws, { type: 'error', code: 'bad-frame', message: frame });
      if (frame.type !== 'msg') return safely(frame);
      if (!client.waiting.length) {
        const wait = bucket.take();
        if (!wait) return safely(frame);
        send(ws, { type: 'error', code: 'rate-limited', message: `Messages are sent more slowly: at most ${bucket.rate} a second.` });
        client.drain = setTimeout(drain, wait);
      }
      if (client.waiting.length >= MAX_WAITING) {
        send(ws, { type: 'error', code: 'rate-limited', message: `Over ${MAX_WAITING} messages are waiting; the relay closes this link.` });
        return void ws.close(1013, 'rate-limited');
      }
      client.waiting.push(frame);
    });
    const gone = () => {
      clearTimeout(client.drain);
      clients.delete(ws);
      released();
    };
    ws.on('close', gone);
    ws.on('error', gone);
  });
  return wss;
}
