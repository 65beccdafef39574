import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../worker/api.ts';
import type { InboundMessage, Transport, TransportModule } from '../../worker/transports/transport.ts';
import { TransportRecorder } from '../support/transport-recorder.ts';
import { uniqueName, waitFor } from './tabs.ts';

/**
 * The contract every transport passes, against its real server. A transport frames and
 * parses; these checks are what the Connection relies on, whatever the protocol.
 */
export interface ContractSetup {
  module: () => Promise<TransportModule>;
  /** A configuration the server accepts, for the given user. */
  config: (user: string) => Promise<ConnectionConfig>;
  /** A configuration the server refuses for good (bad password or token). */
  refused: () => Promise<ConnectionConfig>;
  /** Makes the server go away (the link must report a non-fatal close), then brings it back. */
  stopServer: () => Promise<void>;
  startServer: () => Promise<void>;
  /** A room both users may join, if the protocol needs it prepared. Default: a fresh name. */
  room?: () => Promise<string>;
  /** A real peer that writes crafted messages, each in the protocol's own encoding. */
  hostile: () => Promise<HostilePeer>;
}

/** What a hostile peer puts into a message; each protocol encodes it its own way. */
export interface HostileCase {
  id: string;
  text: string;
  /** `huge`: 1e20 (XMPP: a `<delay/>` stamp in year 9999); `bogus`: the string "bogus"; `sane`: now. */
  ts: 'huge' | 'bogus' | 'sane';
  /** Adds fields (elements in XMPP) that no message may carry, such as `html`. */
  extra?: boolean;
}

export interface HostilePeer {
  /** Whom the transport under test logs in as, and the room where the peer writes to it. */
  config: ConnectionConfig;
  room: string;
  /** Sends the cases in order, once the transport has joined `room`. */
  send(cases: HostileCase[]): Promise<void>;
  stop(): Promise<void>;
}

/** Everything an inbound message may hold (worker/transports/transport.ts `InboundMessage`). */
const MESSAGE_FIELDS = ['id', 'room', 'from', 'text', 'ts', 'cursor', 'tsReplaced'];

export function transportContract(name: string, setup: ContractSetup): void {
  describe(`transport contract: ${name}`, () => {
    const open: Transport[] = [];
    const connect = async (config: ConnectionConfig, o: { session?: unknown; deviceId?: string } = {}) => {
      const module = await setup.module();
      const recorder = new TransportRecorder();
      const context = { deviceId: o.deviceId ?? uniqueName('device'), heartbeat: { interval: 15_000, timeout: 5_000 } };
      const transport = module.create(config, recorder.events, context, o.session ?? module.session());
      open.push(transport);
      transport.open();
      return { transport, recorder };
    };
    /** Connects and joins `room`; resolves once the room is live. */
    const joined = async (config: ConnectionConfig, room: string, o?: { session?: unknown; deviceId?: string; after?: InboundMessage['cursor'] }) => {
      const link = await connect(config, o);
      await link.recorder.wait('open');
      link.transport.join(room, o?.after);
      await link.recorder.joined(room);
      return link;
    };
    const say = (link: { transport: Transport }, room: string, text: string): string => {
      const id: string = crypto.randomUUID();
      link.transport.send({ id, room, from: 'bob', text, ts: Date.now() });
      return id;
    };
    afterEach(() => {
      for (const t of open.splice(0)) t.close();
    });

    it('opens, joins, sends, gets an ack for the id, and the peer receives the same message', async () => {
      const room = (await setup.room?.()) ?? uniqueName('contract');
      const a = await joined(await setup.config('ann'), room);
      const b = await joined(await setup.config('bob'), room);
      const id = crypto.randomUUID();
      const text = 'contract <b>not html</b> & "quotes" ✓';
      a.transport.send({ id, room, from: 'ann', text, ts: Date.now() });
      await a.recorder.wait('ack', (ackId) => ackId === id);
      const [message] = (await b.recorder.wait('message', (m) => m.id === id))!;
      expect(message.text).to.equal(text);
      expect(message.room).to.equal(room);
      expect(message.from).to.contain('ann');
      expect(message.tsReplaced).to.equal(undefined);
      expect(a.recorder.count('activity')).to.be.greaterThan(0);
    });

    it('declares a cursor that is the kind it reports on messages', async () => {
      const module = await setup.module();
      const room = (await setup.room?.()) ?? uniqueName('cursor');
      const a = await joined(await setup.config('ann'), room);
      const b = await joined(await setup.config('bob'), room);
      const id = say(b, room, 'where am I');
      const [message] = (await a.recorder.wait('message', (m) => m.id === id))!;
      if (module.capabilities.cursor === 'none') expect(message.cursor).to.equal(undefined);
      else expect(message.cursor?.kind).to.equal(module.capabilities.cursor);
    });

    it('answers a ping with some inbound frame', async () => {
      const room = (await setup.room?.()) ?? uniqueName('ping');
      const a = await joined(await setup.config('pinger'), room);
      const before = a.recorder.count('activity');
      a.transport.ping();
      await waitFor(() => a.recorder.count('activity') > before, 5_000, 'an answer to the ping');
    });

    it('close() ends the link: what the room says afterwards no longer reaches it', async () => {
      const room = (await setup.room?.()) ?? uniqueName('closer');
      const a = await joined(await setup.config('closer'), room);
      const b = await joined(await setup.config('ann'), room);
      const c = await joined(await setup.config('bob'), room);
      a.transport.close();
      const id = say(b, room, 'after the close');
      // c is in the room as a was: once c has the message, a would have had it too.
      await c.recorder.wait('message', (m) => m.id === id);
      await b.recorder.wait('ack', (ackId) => ackId === id);
      expect(a.recorder.find('message', (m) => m.id === id)).to.equal(undefined);
    });

    it('reports a non-fatal close when the server goes away', async () => {
      const a = await connect(await setup.config('survivor'));
      await a.recorder.wait('open');
      await setup.stopServer();
      try {
        const [info] = (await a.recorder.wait('close'))!;
        expect(info.fatal).to.equal(false);
        expect(info.reason).to.be.a('string').and.not.equal('');
      } finally {
        await setup.startServer();
      }
    });

    it('reports a fatal close with a reason when the server refuses the credentials', async () => {
      const a = await connect(await setup.refused());
      const [info] = (await a.recorder.wait('close'))!;
      expect(info.fatal).to.equal(true);
      expect(info.code).to.be.oneOf(['auth', 'auth-mechanism', 'banned']);
      expect(info.reason).to.be.a('string').and.not.equal('');
      expect(a.recorder.count('open')).to.equal(0);
    });

    it('checks what a hostile peer sends: an absurd time is replaced and noted, unknown fields dropped, an over-long id refused', async function () {
      this.timeout(60_000);
      const peer = await setup.hostile();
      try {
        const a = await joined(peer.config, peer.room);
        const id = () => crypto.randomUUID();
        const [huge, bogus, extra, long, sane] = [id(), id(), id(), 'x'.repeat(300), id()];
        const sentAt = Date.now();
        await peer.send([
          { id: huge, text: 'ts 1e20', ts: 'huge' },
          { id: bogus, text: 'ts bogus', ts: 'bogus' },
          { id: extra, text: 'extra fields', ts: 'sane', extra: true },
          { id: long, text: 'over-long id', ts: 'sane' },
          { id: sane, text: 'still here', ts: 'sane' },
        ]);
        // In order from one peer: once the last has come, the others have been handled.
        await a.recorder.wait('message', (m) => m.id === sane, 20_000);
        const got = (mid: string) => a.recorder.find('message', (m) => m.id === mid)?.[0];
        for (const replaced of [huge, bogus]) {
          const m = got(replaced)!;
          expect(m, replaced).to.not.equal(undefined);
          expect(m.tsReplaced).to.equal(true);
          expect(m.ts).to.be.within(sentAt - 1_000, Date.now() + 1_000);
          expect(() => new Date(m.ts).toISOString()).to.not.throw();
        }
        const plain = got(extra)!;
        expect(Object.keys(plain).every((k) => MESSAGE_FIELDS.includes(k)), Object.keys(plain).join()).to.equal(true);
        expect(plain.tsReplaced).to.equal(undefined);
        expect(plain.text).to.equal('extra fields');
        expect(plain.room).to.equal(peer.room);
        expect(got(long)).to.equal(undefined);
        const [error] = (await a.recorder.wait('error', (e) => e.code === 'bad-message'))!;
        expect(error.message).to.match(/"id" must be a string of 1 to 128 characters, not 300 characters/);
        expect(a.recorder.count('close')).to.equal(0);
      } finally {
        await peer.stop();
      }
    });

    it('store-then-ack: messages the engine failed to store all arrive on the next link', async function () {
      this.timeout(60_000);
      const module = await setup.module();
      const room = (await setup.room?.()) ?? uniqueName('stored');
      const config = await setup.config('ann');
      // One connection: its session and device outlive the link, as in the engine.
      const session = module.session();
      const deviceId = uniqueName('device');
      const a = await joined(config, room, { session, deviceId });
      const b = await joined(await setup.config('bob'), room);
      const first = say(b, room, 'stored before the fault');
      await waitFor(() => a.recorder.stored.find((m) => m.id === first), 10_000, 'the first message stored');
      const cursor = a.recorder.stored.find((m) => m.id === first)!.cursor;

      // IndexedDB fails from now on, on this link.
      a.recorder.failStores();
      const lost = ['lost 1', 'lost 2', 'lost 3'].map((text) => say(b, room, text));
      for (const id of lost) await b.recorder.wait('ack', (ackId) => ackId === id);
      await a.recorder.wait('message', (m) => m.id === lost[0]);
      expect(a.recorder.stored.map((m) => m.id)).to.deep.equal([first]);
      // The Connection drops the link when a message could not be stored.
      a.transport.close();

      const again = await joined(config, room, { session, deviceId, after: cursor });
      await waitFor(() => lost.every((id) => again.recorder.stored.some((m) => m.id === id)), 20_000, 'every lost message, again');
      // In the order they were said (a redelivery may repeat one; history keeps each id once).
      const order = [...new Set(again.recorder.stored.filter((m) => lost.includes(m.id)).map((m) => m.text))];
      expect(order).to.deep.equal(['lost 1', 'lost 2', 'lost 3']);
    });
  });
}
