import { expect } from '@esm-bundle/chai';
import { bytesAt, bytesOf, pdfFile, pngFile, side, statusesOf } from './attachment-fixtures.ts';
import { uniqueName, waitFor } from './tabs.ts';
import { command, FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

/** Attachments on XMPP: a XEP-0363 slot on Prosody, the URL in the body and in XEP-0066 OOB (docs/xmpp.md). */
describe('attachments on XMPP', () => {
  it('uploads to a XEP-0363 slot; a slixmpp peer gets the URLs in the body and as OOB, and the bytes are there', async () => {
    const { url, password } = await xmppEnv();
    const peer = await startPeer('peer');
    try {
      const user = await xmppUser('ann');
      const ann = await side(uniqueName('ann'), { protocol: 'xmpp', url, user, password, options: FAST }, peer.jid);
      const files = [await pngFile(50, 40), pdfFile()];
      const sent = await ann.api.sendFiles(ann.conversation, files, 'see these');
      const got = await waitFor(async () => (await peer.received()).find((m) => m.id === sent.id), 20_000, 'the message at the peer');
      expect(got.oob, 'one OOB URL per file').to.have.length(2);
      expect(got.text.split('\n')).to.deep.equal(['see these', ...got.oob!]);
      for (const [i, link] of got.oob!.entries()) expect(await bytesAt(link)).to.deep.equal(await bytesOf(files[i]!));
      await waitFor(() => statusesOf(ann, sent.id).includes('sent'), 10_000, 'sent (XEP-0198 ack)');
      const own = ann.message(sent.id)!;
      expect(own.attachments!.map((a) => a.url)).to.deep.equal(got.oob);
      expect(own.text, 'the text without the URL lines').to.equal('see these');
    } finally {
      await peer.stop();
    }
  });

  it('a file sent while the XMPP link is down waits for the link, then uploads and goes out once', async () => {
    const { proxyUrl, password } = await xmppEnv();
    const peer = await startPeer('peer');
    try {
      const user = await xmppUser('ann');
      const ann = await side(uniqueName('ann'), { protocol: 'xmpp', url: proxyUrl, user, password, options: FAST }, peer.jid);
      await command('xmpp-proxy', { mode: 'refuse' });
      await waitFor(() => ann.events.some((e) => e.type === 'state' && e.change.to === 'reconnecting'), 10_000, 'the link down');
      const file = await pngFile(30, 30, 'offline.png');
      const sent = await ann.api.sendFiles(ann.conversation, [file]);
      // No slot without a link: back to the queue, to wait for it.
      await waitFor(() => statusesOf(ann, sent.id).includes('queued'), 10_000, 'the upload back in the queue');
      await command('xmpp-proxy', { mode: 'forward' });
      const got = await waitFor(async () => (await peer.received()).find((m) => m.id === sent.id), 30_000, 'the file at the peer once the link is back');
      expect(await bytesAt(got.oob![0]!)).to.deep.equal(await bytesOf(file));
      await peer.sync();
      expect((await peer.received()).filter((m) => m.id === sent.id)).to.have.length(1);
    } finally {
      await command('xmpp-proxy', { mode: 'forward' });
      await peer.stop();
    }
  });

  it('reads OOB from another client as an attachment, and drops a non-http one with an error', async () => {
    const { url, password, domain } = await xmppEnv();
    const peer = await startPeer('peer');
    try {
      const user = await xmppUser('ann');
      const ann = await side(uniqueName('ann'), { protocol: 'xmpp', url, user, password, options: FAST }, peer.jid);
      const link = `http://${domain}:5280/share/abc/cat%20picture.jpg`;
      const id = crypto.randomUUID();
      await peer.do({
        op: 'raw',
        xml: `<message to="${user}" type="chat" id="${id}"><body>${link}</body><x xmlns="jabber:x:oob"><url>${link}</url></x><x xmlns="jabber:x:oob"><url>file:///etc/passwd</url></x></message>`,
      });
      const got = await waitFor(() => ann.message(id), 10_000, 'the OOB message');
      expect(got.text, 'the body was only the URL').to.equal('');
      expect(got.attachments).to.deep.equal([{ url: link, name: 'cat picture.jpg', type: '', size: 0 }]);
      expect(ann.events.some((e) => e.type === 'error' && /attachment 2 has no http\(s\) URL/.test(e.error.message))).to.equal(true);
    } finally {
      await peer.stop();
    }
  });
});
