import { expect } from '@esm-bundle/chai';
import { transport } from '../../worker/transports/xmpp/index.ts';
import { TransportRecorder } from '../support/transport-recorder.ts';
import { uniqueName } from './tabs.ts';
import { xmppEnv, xmppUser } from './xmpp-env.ts';

describe('XMPP HTTP File Upload (XEP-0363)', () => {
  it('gets a slot, PUTs a file to Prosody\'s http_file_share, and anyone can GET it back', async () => {
    const { url, password } = await xmppEnv();
    const r = new TransportRecorder();
    const user = await xmppUser('uploader');
    const context = { deviceId: uniqueName('d'), heartbeat: { interval: 15_000, timeout: 5_000 } };
    const t = transport.create({ protocol: 'xmpp', url, user, password }, r.events, context, transport.session());
    t.open();
    try {
      expect(transport.capabilities.upload).to.equal(true);
      await r.wait('open');
      const body = new TextEncoder().encode('Hello, file ✓ <not html>\n');
      const slot = await t.uploadSlot!({ name: 'hello world.txt', size: body.byteLength, type: 'text/plain' });
      expect(slot.put).to.match(/^https?:\/\//);
      const put = await fetch(slot.put, { method: 'PUT', body, headers: { ...slot.headers, 'Content-Type': 'text/plain' } });
      expect(put.status).to.be.oneOf([200, 201]);
      const got = await fetch(slot.get);
      expect(got.status).to.equal(200);
      expect(await got.text()).to.equal('Hello, file ✓ <not html>\n');
      // A slot is for the announced size only (§4): a bigger file is refused.
      const other = await t.uploadSlot!({ name: 'b.txt', size: 3, type: 'text/plain' });
      const tooBig = await fetch(other.put, { method: 'PUT', body: 'four', headers: other.headers });
      expect(tooBig.ok).to.equal(false);
    } finally {
      t.close();
    }
  });
});
