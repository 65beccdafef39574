import { expect } from '@esm-bundle/chai';
import { transport } from '../../worker/transports/xmpp/index.ts';
import { TransportRecorder } from '../support/transport-recorder.ts';
import { openTab, texts, uniqueName, waitFor } from './tabs.ts';
import { FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

describe('XMPP history (MAM, XEP-0313)', () => {
  it('loads the last page on join, then older pages before it, in order, until the start', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const peer = await startPeer('history');
    const ann = await xmppUser('ann');
    const sent = Array.from({ length: 60 }, (_, i) => `old ${i + 1}`);
    try {
      for (const text of sent) await peer.do({ op: 'send', to: ann, text });
      await peer.sync();

      const r = new TransportRecorder();
      const context = { deviceId: uniqueName('d'), heartbeat: { interval: 15_000, timeout: 5_000 } };
      const t = transport.create({ protocol: 'xmpp', url, user: ann, password }, r.events, context, transport.session());
      t.open();
      try {
        await r.wait('open');
        t.join(peer.jid);
        // A 1:1 chat is joined once its catch-up is done: the last page has been delivered by then.
        await r.joined(peer.jid);
        const last = r.stored.map((m) => m.text);
        expect(last).to.deep.equal(sent.slice(10));
        expect(r.count('historyEnd')).to.equal(0);
        expect(r.stored.every((m) => m.cursor?.kind === 'archive' && m.from === peer.jid)).to.equal(true);

        const oldestShown = r.stored[0]!;
        t.older(peer.jid, oldestShown.cursor!, 20);
        await r.wait('historyEnd', (room) => room === peer.jid);
        await waitFor(() => r.stored.length === 60, 10_000, 'the first page');
        // The page before arrives after the last one, newest first, each marked to go before
        // everything shown (worker/order.ts), with times earlier than what is shown.
        const earlier = r.stored.slice(50);
        expect(earlier.map((m) => m.text)).to.deep.equal(sent.slice(0, 10).reverse());
        expect(earlier.every((m) => m.older === true)).to.equal(true);
        expect(r.stored.slice(0, 50).some((m) => m.older)).to.equal(false);
        // Each goes before the oldest shown, as history places it.
        const shown = earlier.reduce((list, m) => [m, ...list], r.stored.slice(0, 50));
        expect(shown.map((m) => m.text)).to.deep.equal(sent);
        expect(shown.every((m, i) => i === 0 || m.ts > shown[i - 1]!.ts), 'times increase along the conversation').to.equal(true);
      } finally {
        t.close();
      }
    } finally {
      await peer.stop();
    }
  });

  // ejabberd replays its offline storage after the catch-up (worker/transports/xmpp/sync.ts):
  // the ten messages before the last page must still come from "Show earlier", in their place.
  for (const server of ['prosody', 'ejabberd'] as const)
    it(`pages back from the widget on ${server}: "Show earlier messages" brings the archive page before, in order`, async function () {
      this.timeout(60_000);
      const { url, password } = await xmppEnv(server);
      const peer = await startPeer('scroll', server);
      const ann = await xmppUser('ann', server);
      const sent = Array.from({ length: 60 }, (_, i) => `archived ${i + 1}`);
      try {
        for (const text of sent) await peer.do({ op: 'send', to: ann, text });
        await peer.sync();
        const tab = await openTab({ engine: uniqueName('xmpp'), protocol: 'xmpp', server: url, user: ann, password, room: peer.jid, options: FAST });
        await waitFor(() => texts(tab.chat).length === 50, 15_000, 'the last archive page');
        expect(texts(tab.chat)).to.deep.equal(sent.slice(10));
        const older = () => tab.chat.shadowRoot!.querySelector<HTMLButtonElement>('.older button');
        older()!.click();
        await waitFor(() => texts(tab.chat).length === 60, 15_000, 'the page before, from the archive');
        expect(texts(tab.chat)).to.deep.equal(sent);
        await waitFor(() => !older(), 10_000, 'no more to show once the archive says so');
        tab.close();
      } finally {
        await peer.stop();
      }
    });
});
