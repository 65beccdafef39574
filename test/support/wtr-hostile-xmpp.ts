import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestRunnerPlugin } from '@web/test-runner';
import { WebSocketServer, type WebSocket } from 'ws';

/** The domain of every account on this server. */
export const HOSTILE_DOMAIN = 'hostile.test';

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const SM = 'urn:xmpp:sm:3';
const MAM = 'urn:xmpp:mam:2';

/**
 * A hostile XMPP server for the XMPP fuzz test and the XEP-0198 tests: just enough of RFC 7395
 * (XMPP over WebSocket), SASL PLAIN (any password but `wrong`), resource binding and XEP-0198
 * (enable, resume, `<r/>`/`<a/>`) for xmpp.js to log in, and then whatever frames a test hands
 * it, however malformed. It keeps no archive: every MAM query gets an empty, complete answer
 * (or none while a test holds them). Like a real server it keeps what it sent on a stream until
 * the client's `h` covers it, and resends the rest on resume (XEP-0198 §4, §5).
 *
 * Server commands (`user` is a bare JID):
 * - `hostile-xmpp-url` → the ws:// URL;
 * - `hostile-xmpp-send {user, frames, last?}`: sends each string, exactly as written, on the
 *   user's bound sockets, then `last`, which is never kept for a resend (a malformed frame
 *   would come back on every resume); returns how many sockets it reached;
 * - `hostile-xmpp-hold-mam {user, hold}`: leaves MAM queries unanswered while `hold`;
 * - `hostile-xmpp-acks {user, on}`: answers the client's `<r/>` or not (it does by default);
 * - `hostile-xmpp-state {user}` → {@link HostileXmppState}.
 */
export interface HostileXmppState {
  /** Bound sockets. */
  online: number;
  /** Streams that became usable: bound, or resumed. */
  links: number;
  /** MAM queries received, and those left unanswered. */
  queries: number;
  held: number;
  /** Streams resumed (`<resumed/>`), and resumptions refused. */
  resumed: number;
  /** The last `h` the client reported, in `<a/>` or `<resume/>`. */
  h: number | undefined;
  /** Bodies of the chat messages the client sent, in order, resent ones included. */
  bodies: string[];
}

interface Account {
  links: number;
  holdMam: boolean;
  acks: boolean;
  queries: number;
  held: number;
  resumed: number;
  h: number | undefined;
  bodies: string[];
}

/** One XEP-0198 stream, which outlives its socket until it is resumed. */
interface Stream {
  id: string;
  user: string;
  /** Client stanzas received: our `h`. */
  handled: number;
  /** Stanzas we sent, from number `base` on, that the client's `h` has not covered yet. */
  unacked: string[];
  base: number;
  socket?: WebSocket;
}

/** The value of attribute `name` in the first tag of `frame` (either quote). */
const attr = (frame: string, name: string): string | undefined =>
  new RegExp(`^<[^>]*?\\s${name}=(["'])(.*?)\\1`).exec(frame)?.[2];
const rootName = (frame: string): string | undefined => /^<([A-Za-z][\w:.-]*)/.exec(frame.trimStart())?.[1];
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const isStanza = (frame: string) => ['message', 'presence', 'iq'].includes(rootName(frame) ?? '');

export function hostileXmppServer(): TestRunnerPlugin {
  let wss: WebSocketServer | undefined;
  const accounts = new Map<string, Account>();
  const streams = new Map<string, Stream>();
  /** socket → the bare JID it logged in as and its full JID once bound. */
  const sockets = new Map<WebSocket, { user?: string; full?: string; stream?: Stream }>();
  const account = (user: string): Account => {
    let a = accounts.get(user);
    if (!a) accounts.set(user, (a = { links: 0, holdMam: false, acks: true, queries: 0, held: 0, resumed: 0, h: undefined, bodies: [] }));
    return a;
  };

  /** Sends a frame; a stanza on an SM stream is kept until the client's `h` covers it. */
  function send(ws: WebSocket, frame: string): void {
    const stream = sockets.get(ws)?.stream;
    if (stream && isStanza(frame)) stream.unacked.push(frame);
    if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  /** The client handled `h` of our stanzas: forget those (XEP-0198 §4). */
  function acked(stream: Stream, h: number): void {
    account(stream.user).h = h;
    const drop = Math.max(0, Math.min(h - stream.base, stream.unacked.length));
    stream.unacked.splice(0, drop);
    stream.base += drop;
  }

  const features = (ws: WebSocket, children: string) =>
    ws.send(`<stream:features xmlns:stream="http://etherx.jabber.org/streams">${children}</stream:features>`);

  function onFrame(ws: WebSocket, frame: string): void {
    const state = sockets.get(ws)!;
    const name = rootName(frame);
    if (name === 'open') {
      ws.send(`<open xmlns="${FRAMING}" from="${HOSTILE_DOMAIN}" id="${randomUUID()}" version="1.0" xml:lang="en"/>`);
      if (!state.user) features(ws, `<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>`);
      else features(ws, `<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/><sm xmlns="${SM}"/>`);
      return;
    }
    if (name === 'close') return void ws.close();
    if (name === 'auth') {
      const [, user, password] = Buffer.from(/>([^<]*)</.exec(frame)?.[1] ?? '', 'base64').toString().split('\0');
      if (!user || password === 'wrong')
        return void ws.send(`<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><not-authorized/></failure>`);
      state.user = `${user}@${HOSTILE_DOMAIN}`;
      return void ws.send(`<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>`);
    }
    if (!state.user) return;
    const a = account(state.user);
    if (name === 'enable') {
      const stream: Stream = { id: randomUUID(), user: state.user, handled: 0, unacked: [], base: 0, socket: ws };
      streams.set(stream.id, stream);
      state.stream = stream;
      return void ws.send(`<enabled xmlns="${SM}" id="${stream.id}" resume="true"/>`);
    }
    if (name === 'resume') {
      const stream = streams.get(attr(frame, 'previd') ?? '');
      if (!stream || stream.user !== state.user) return void ws.send(`<failed xmlns="${SM}"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></failed>`);
      stream.socket?.terminate();
      stream.socket = ws;
      state.stream = stream;
      state.full = `${state.user}/resumed`;
      acked(stream, Number(attr(frame, 'h')));
      a.resumed += 1;
      a.links += 1;
      ws.send(`<resumed xmlns="${SM}" h="${stream.handled}" previd="${stream.id}"/>`);
      // §5: everything the client had not handled, again, in order.
      for (const again of stream.unacked) ws.send(again);
      return;
    }
    if (name === 'r') {
      if (a.acks && state.stream) ws.send(`<a xmlns="${SM}" h="${state.stream.handled}"/>`);
      return;
    }
    if (name === 'a') {
      if (state.stream) acked(state.stream, Number(attr(frame, 'h')));
      return;
    }
    if (!isStanza(frame)) return;
    if (state.stream) state.stream.handled += 1;
    const id = attr(frame, 'id') ?? '';
    if (name === 'iq') {
      const type = attr(frame, 'type');
      if (type !== 'get' && type !== 'set') return;
      if (frame.includes('urn:ietf:params:xml:ns:xmpp-bind')) {
        state.full = `${state.user}/${/<resource>([^<]*)</.exec(frame)?.[1] ?? 'r'}`;
        a.links += 1;
        return void send(ws, `<iq type="result" id="${id}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${state.full}</jid></bind></iq>`);
      }
      if (frame.includes(MAM)) {
        a.queries += 1;
        if (a.holdMam) return void (a.held += 1);
        const from = attr(frame, 'to');
        return void send(ws, `<iq type="result" id="${id}"${from ? ` from="${from}"` : ''}><fin xmlns="${MAM}" complete="true"><set xmlns="http://jabber.org/protocol/rsm"><count>0</count></set></fin></iq>`);
      }
      // Pings, carbons and the rest: done.
      return void send(ws, `<iq type="result" id="${id}"${attr(frame, 'to') ? ` from="${attr(frame, 'to')}"` : ''}/>`);
    }
    if (name === 'message') {
      const body = /<body>([\s\S]*?)<\/body>/.exec(frame)?.[1];
      if (body !== undefined) a.bodies.push(unescape(body));
    }
  }

  return {
    name: 'parley-hostile-xmpp',
    async serverStart() {
      wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false) });
      await new Promise((listening) => wss!.once('listening', listening));
      wss.on('connection', (ws) => {
        sockets.set(ws, {});
        ws.on('close', () => {
          const stream = sockets.get(ws)?.stream;
          if (stream?.socket === ws) stream.socket = undefined;
          sockets.delete(ws);
        });
        ws.on('message', (data) => onFrame(ws, data.toString()));
      });
    },
    async serverStop() {
      for (const ws of sockets.keys()) ws.terminate();
      await new Promise((closed) => (wss ? wss.close(closed) : closed(undefined)));
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('hostile-xmpp-')) return undefined;
      if (command === 'hostile-xmpp-url') return `ws://127.0.0.1:${(wss!.address() as AddressInfo).port}/`;
      const p = payload as { user: string; frames?: string[]; last?: string; hold?: boolean; on?: boolean };
      const a = account(p.user);
      const bound = [...sockets].filter(([, s]) => s.user === p.user && s.full);
      switch (command) {
        case 'hostile-xmpp-send':
          for (const [ws] of bound) {
            for (const frame of p.frames ?? []) send(ws, frame);
            if (p.last !== undefined && ws.readyState === ws.OPEN) ws.send(p.last);
          }
          return bound.length;
        case 'hostile-xmpp-hold-mam':
          a.holdMam = p.hold === true;
          return true;
        case 'hostile-xmpp-acks':
          a.acks = p.on === true;
          return true;
        case 'hostile-xmpp-state':
          return { online: bound.length, links: a.links, queries: a.queries, held: a.held, resumed: a.resumed, h: a.h, bodies: a.bodies } satisfies HostileXmppState;
        default:
          return undefined;
      }
    },
  };
}
