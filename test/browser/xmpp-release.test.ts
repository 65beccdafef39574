import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { transport } from '../../worker/transports/xmpp/index.ts';
import type { XmppSession } from '../../worker/transports/xmpp/session.ts';
import type { HostileXmppState } from '../support/wtr-hostile-xmpp.ts';
import { TransportRecorder } from '../support/transport-recorder.ts';
import { sleep, uniqueName, waitFor } from './tabs.ts';

/**
 * What the XMPP transport leaves behind when a link ends, against the hostile XMPP server
 * (test/support/wtr-hostile-xmpp.ts), which keeps no archive and resends on resume exactly what
 * the client's XEP-0198 `h` did not cover.
 */
const server = (command: string, payload: object) => executeServerCommand(`hostile-xmpp-${command}`, payload);
const state = async (user: string) => (await server('state', { user })) as HostileXmppState;

async function link(user: string, session: XmppSession) {
  const url = (await executeServerCommand('hostile-xmpp-url')) as string;
  const recorder = new TransportRecorder();
  const context = { deviceId: uniqueName('device'), heartbeat: { interval: 15_000, timeout: 5_000 } };
  const t = transport.create({ protocol: 'xmpp', url, user, password: 'secret' }, recorder.events, context, session);
  t.open();
  await recorder.wait('open');
  return { t, recorder };
}

describe('XMPP: a link that ends', () => {
  it('keeps a live message held during a catch-up: the resumed stream gets it again, since h never counted it (XEP-0198 §4)', async () => {
    const user = `${uniqueName('ann')}@hostile.test`;
    const bob = 'bob@hostile.test';
    const session = transport.session();
    const first = await link(user, session);
    await server('hold-mam', { user, hold: true });
    first.t.join(bob);
    await waitFor(async () => (await state(user)).held === 1, 10_000, 'the catch-up under way');
    // A live message during the catch-up (held until it ends), and an ack request after it,
    // whose answer proves the client has read the message.
    const before = (await state(user)).h;
    await server('send', { user, frames: [`<message type="chat" from="${bob}/phone" id="held-1"><body>held back</body></message>`, `<r xmlns="urn:xmpp:sm:3"/>`] });
    await waitFor(async () => (await state(user)).h !== before, 10_000, 'the answer to <r/>');
    first.t.close();

    await server('hold-mam', { user, hold: false });
    const second = await link(user, session);
    expect((await state(user)).resumed, 'the stream was resumed').to.equal(1);
    second.t.join(bob);
    await second.recorder.joined(bob);
    await waitFor(() => second.recorder.stored.some((m) => m.text === 'held back'), 5_000, 'the held message, resent on resume').catch((e) => {
      throw new Error(`${e.message}; stored: ${JSON.stringify(second.recorder.stored.map((m) => m.text))}`);
    });
    expect(first.recorder.stored).to.deep.equal([]);
    second.t.close();
  });

  it('leaves no timer running and sends nothing once released: no stream-management <r/>, no iq timeout', async () => {
    const user = `${uniqueName('ann')}@hostile.test`;
    const { t, recorder } = await link(user, transport.session());
    await server('hold-mam', { user, hold: true });

    // Every timer that xmpp.js or the transport sets from here on, and every socket write.
    const pending = new Map<unknown, number>();
    const writes: string[] = [];
    const { setTimeout: set, clearTimeout: clear } = globalThis;
    const send = WebSocket.prototype.send;
    let released = false;
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
      const handle: unknown = set(() => {
        pending.delete(handle);
        fn();
      }, ms, ...args);
      if (/transports\/xmpp/.test(new Error().stack ?? '')) pending.set(handle, ms ?? 0);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      pending.delete(handle);
      clear(handle);
    }) as typeof clearTimeout;
    /** Frames written before the release. */
    const before: string[] = [];
    WebSocket.prototype.send = function (this: WebSocket, data: string) {
      (released ? writes : before).push(String(data));
      return send.call(this, data);
    };
    try {
      // A catch-up whose query the server leaves unanswered (an iq with a timeout)...
      t.join('bob@hostile.test');
      await waitFor(async () => (await state(user)).held === 1, 10_000, 'the catch-up under way');
      expect([...pending.values()], 'the MAM query\'s timeout').to.include(30_000);
      // ...and a message, which arms stream management's ack request; then the link ends.
      t.send({ id: uniqueName('m'), room: 'bob@hostile.test', from: user, text: 'hello', ts: Date.now() });
      await waitFor(() => before.some((frame) => frame.includes('<body>hello</body>')), 5_000, 'the message written');
      t.close();
      released = true;
      // Less than the 100 ms of SM's ack-request debounce (worker/transports/xmpp/session.ts).
      await sleep(50);
      const left = [...pending.values()];
      await sleep(300);
      expect(left, 'timers left running by the released link (ms)').to.deep.equal([]);
      expect(writes, 'frames sent after release').to.deep.equal([]);
    } finally {
      globalThis.setTimeout = set;
      globalThis.clearTimeout = clear;
      WebSocket.prototype.send = send;
    }
    expect(recorder.count('close'), 'close() reports nothing: the engine asked for it').to.equal(0);
  });
});
