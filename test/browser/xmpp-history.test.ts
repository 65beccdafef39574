import { expect } from '@esm-bundle/chai';
import type { InboundMessage, TransportEvents } from '../../worker/transports/transport.ts';
import { createTransport } from '../../worker/transports/xmpp/index.ts';
import { openTab, texts, uniqueName, waitFor } from './tabs.ts';
import { FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

const byTime = (messages: InboundMessage[]) => [...messages].sort((a, b) => a.ts - b.ts).map((m) => m.text);

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

      const messages: InboundMessage[] = [];
      let open = false;
      let ended = false;
      const ignore = () => undefined;
      const events: TransportEvents = {
        open: () => (open = true),
        message: (m) => void messages.push(m),
        historyEnd: () => (ended = true),
        activity: ignore,
        ack: ignore,
        reject: ignore,
        typing: ignore,
        receipt: ignore,
        caughtUp: ignore,
        error: ignore,
        close: ignore,
      };
      const transport = createTransport({ protocol: 'xmpp', url, user: ann, password }, events, { deviceId: uniqueName('d') });
      transport.open();
      try {
        await waitFor(() => open, 10_000, 'open');
        transport.join(peer.jid);
        await waitFor(() => messages.length >= 50, 10_000, 'the last page');
        await new Promise((r) => setTimeout(r, 500));
        expect(byTime(messages)).to.deep.equal(sent.slice(10));
        expect(ended).to.equal(false);
        expect(messages.every((m) => typeof m.seq === 'string' && m.from === peer.jid)).to.equal(true);

        const oldestShown = messages.find((m) => m.text === 'old 11')!;
        transport.older(peer.jid, oldestShown.seq!, 20);
        await waitFor(() => ended && messages.length === 60, 10_000, 'the first page and the end of history');
        expect(byTime(messages)).to.deep.equal(sent);
      } finally {
        transport.close();
      }
    } finally {
      await peer.stop();
    }
  });

  it('pages back from the widget: "Show earlier messages" brings the archive page before, in order', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const peer = await startPeer('scroll');
    const ann = await xmppUser('ann');
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
