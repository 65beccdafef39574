import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../worker/api.ts';
import type { Transport, TransportEvents, TransportFactory } from '../../worker/transports/transport.ts';
import { uniqueName, waitFor } from './tabs.ts';

/**
 * The contract every transport passes, against its real server. A transport frames and
 * parses; these checks are what the Connection relies on, whatever the protocol.
 */
export interface ContractSetup {
  factory: () => Promise<TransportFactory>;
  /** A configuration the server accepts, for the given user. */
  config: (user: string) => Promise<ConnectionConfig>;
  /** A configuration the server refuses for good (bad password or token). */
  refused: () => Promise<ConnectionConfig>;
  /** Makes the server go away (the link must report a non-fatal close), then brings it back. */
  stopServer: () => Promise<void>;
  startServer: () => Promise<void>;
  /** A room both users may join, if the protocol needs it prepared. Default: a fresh name. */
  room?: () => Promise<string>;
}

type Recorded = { [K in keyof TransportEvents]: { event: K; args: Parameters<TransportEvents[K]> } }[keyof TransportEvents];

class Recorder {
  readonly log: Recorded[] = [];
  readonly events: TransportEvents;
  constructor() {
    const record =
      <K extends keyof TransportEvents>(event: K) =>
      (...args: Parameters<TransportEvents[K]>) =>
        void this.log.push({ event, args } as Recorded);
    this.events = {
      open: record('open'),
      activity: record('activity'),
      message: record('message'),
      ack: record('ack'),
      reject: record('reject'),
      typing: record('typing'),
      receipt: record('receipt'),
      historyEnd: record('historyEnd'),
      caughtUp: record('caughtUp'),
      error: record('error'),
      close: record('close'),
    };
  }
  count(event: keyof TransportEvents): number {
    return this.log.filter((r) => r.event === event).length;
  }
  find<K extends keyof TransportEvents>(event: K, match: (...args: Parameters<TransportEvents[K]>) => boolean = () => true) {
    const hit = this.log.find((r) => r.event === event && (match as (...a: unknown[]) => boolean)(...r.args));
    return hit?.args as Parameters<TransportEvents[K]> | undefined;
  }
  wait<K extends keyof TransportEvents>(event: K, match?: (...args: Parameters<TransportEvents[K]>) => boolean, timeout = 10_000) {
    return waitFor(() => this.find(event, match), timeout, `transport event "${event}"`);
  }
}

export function transportContract(name: string, setup: ContractSetup): void {
  describe(`transport contract: ${name}`, () => {
    const open: Transport[] = [];
    const connect = async (config: ConnectionConfig) => {
      const recorder = new Recorder();
      const transport = (await setup.factory())(config, recorder.events, { deviceId: uniqueName('device') });
      open.push(transport);
      transport.open();
      return { transport, recorder };
    };
    afterEach(() => {
      for (const t of open.splice(0)) t.close();
    });

    it('opens, sends, gets an ack for the id, and the peer receives the same message', async () => {
      const room = (await setup.room?.()) ?? uniqueName('contract');
      const a = await connect(await setup.config('ann'));
      const b = await connect(await setup.config('bob'));
      await a.recorder.wait('open');
      await b.recorder.wait('open');
      a.transport.join(room);
      b.transport.join(room);
      await new Promise((r) => setTimeout(r, 300));
      const id = crypto.randomUUID();
      const text = 'contract <b>not html</b> & "quotes" ✓';
      a.transport.send({ id, room, from: 'ann', text, ts: Date.now() });
      await a.recorder.wait('ack', (ackId) => ackId === id);
      const [message] = (await b.recorder.wait('message', (m) => m.id === id))!;
      expect(message.text).to.equal(text);
      expect(message.room).to.equal(room);
      expect(message.from).to.contain('ann');
      expect(a.recorder.count('activity')).to.be.greaterThan(0);
    });

    it('answers a ping with some inbound frame', async () => {
      const a = await connect(await setup.config('pinger'));
      await a.recorder.wait('open');
      await new Promise((r) => setTimeout(r, 200));
      const before = a.recorder.count('activity');
      a.transport.ping();
      await waitFor(() => a.recorder.count('activity') > before, 5_000, 'an answer to the ping');
    });

    it('reports nothing after close() is called', async () => {
      const a = await connect(await setup.config('closer'));
      await a.recorder.wait('open');
      a.transport.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(a.recorder.count('close')).to.equal(0);
    });

    it('reports a non-fatal close when the server goes away', async () => {
      const a = await connect(await setup.config('survivor'));
      await a.recorder.wait('open');
      await setup.stopServer();
      try {
        const [info] = (await a.recorder.wait('close'))!;
        expect(info.fatal).to.equal(false);
      } finally {
        await setup.startServer();
      }
    });

    it('reports a fatal close with a reason when the server refuses the credentials', async () => {
      const a = await connect(await setup.refused());
      const [info] = (await a.recorder.wait('close'))!;
      expect(info.fatal).to.equal(true);
      expect(info.reason).to.be.a('string').and.not.equal('');
      expect(a.recorder.count('open')).to.equal(0);
    });
  });
}
