import { expect } from '@esm-bundle/chai';
import { createTransport } from '../../worker/transports/xmpp/index.ts';
import type { TransportEvents } from '../../worker/transports/transport.ts';
import { uniqueName, waitFor } from './tabs.ts';
import { xmppEnv, xmppUser } from './xmpp-env.ts';

describe('XMPP HTTP File Upload (XEP-0363)', () => {
  it('gets a slot, PUTs a file to Prosody\'s http_file_share, and anyone can GET it back', async () => {
    const { url, password } = await xmppEnv();
    let open = false;
    const ignore = () => undefined;
    const events: TransportEvents = {
      open: () => (open = true),
      activity: ignore,
      message: ignore,
      ack: ignore,
      reject: ignore,
      typing: ignore,
      receipt: ignore,
      caughtUp: ignore,
      historyEnd: ignore,
      error: ignore,
      close: ignore,
    };
    const user = await xmppUser('uploader');
    const transport = createTransport({ protocol: 'xmpp', url, user, password }, events, { deviceId: uniqueName('d') });
    transport.open();
    try {
      await waitFor(() => open, 10_000, 'the stream to open');
      const body = new TextEncoder().encode('Hello, file ✓ <not html>\n');
      const slot = await transport.uploadSlot!({ name: 'hello world.txt', size: body.byteLength, type: 'text/plain' });
      expect(slot.put).to.match(/^https?:\/\//);
      const put = await fetch(slot.put, { method: 'PUT', body, headers: { ...slot.headers, 'Content-Type': 'text/plain' } });
      expect(put.status).to.be.oneOf([200, 201]);
      const got = await fetch(slot.get);
      expect(got.status).to.equal(200);
      expect(await got.text()).to.equal('Hello, file ✓ <not html>\n');
      // A slot is for the announced size only (§4): a bigger file is refused.
      const other = await transport.uploadSlot!({ name: 'b.txt', size: 3, type: 'text/plain' });
      const tooBig = await fetch(other.put, { method: 'PUT', body: 'four', headers: other.headers });
      expect(tooBig.ok).to.equal(false);
    } finally {
      transport.close();
    }
  });
});
