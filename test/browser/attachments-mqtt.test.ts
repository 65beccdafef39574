import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../worker/api.ts';
import { bytesAt, bytesOf, pdfFile, pngFile, side, statusesOf, wavFile } from './attachment-fixtures.ts';
import { BROKERS, brokerUrl, FAST, mosquittoPub, mosquittoSub, roomTopic, waitForAsync } from './mqtt-env.ts';
import { env, uniqueName, waitFor } from './tabs.ts';

/** Attachments on MQTT: the payload's `attachments` array (docs/mqtt.md), files by POST /upload. */
describe('attachments on MQTT', () => {
  for (const broker of BROKERS) {
    it(`${broker}: a second engine gets a PNG and a PDF with URLs that give back their bytes`, async () => {
      const { uploadUrl } = await env();
      const url = await brokerUrl(broker);
      const config = (user: string): ConnectionConfig => ({ protocol: 'mqtt', url, user: uniqueName(user), uploadUrl, options: FAST });
      const room = uniqueName('files');
      const ann = await side(uniqueName('ann'), config('ann'), room);
      const bob = await side(uniqueName('bob'), config('bob'), room);
      const files = [await pngFile(64, 64), pdfFile()];
      const sent = await ann.api.sendFiles(ann.conversation, files, 'over MQTT');
      const got = await waitFor(() => bob.message(sent.id), 20_000, "the files at Bob's");
      expect(got.text).to.equal('over MQTT');
      expect(got.attachments!.map((a) => [a.name, a.type, a.size])).to.deep.equal([
        ['drawing.png', 'image/png', files[0]!.size],
        ['notes.pdf', 'application/pdf', files[1]!.size],
      ]);
      expect([got.attachments![0]!.width, got.attachments![0]!.height]).to.deep.equal([64, 64]);
      for (const [i, a] of got.attachments!.entries()) expect(await bytesAt(a.url)).to.deep.equal(await bytesOf(files[i]!));
      await waitFor(() => statusesOf(ann, sent.id).includes('sent'), 10_000, 'sent (PUBACK)');
    });
  }

  it('mosquitto_sub reads the attachments in the payload; a published javascript: URL is dropped with an error and the message kept', async () => {
    const { uploadUrl } = await env();
    const url = await brokerUrl('mosquitto');
    const room = uniqueName('sub');
    const sub = await mosquittoSub('mosquitto', roomTopic(room));
    try {
      const ann = await side(uniqueName('ann'), { protocol: 'mqtt', url, user: uniqueName('ann'), uploadUrl, options: FAST }, room);
      const wav = wavFile(250);
      const sent = await ann.api.sendFiles(ann.conversation, [wav]);
      const payloads = await waitForAsync(() => sub.read(), (lines) => lines.length > 0, 20_000, 'the payload at mosquitto_sub');
      const payload = JSON.parse(payloads[0]!) as { id: string; text: string; attachments: { url: string; name: string; type: string; size: number; duration?: number }[] };
      expect(payload.id).to.equal(sent.id);
      expect(payload.text).to.equal('');
      expect(payload.attachments).to.have.length(1);
      expect(payload.attachments[0]).to.include({ name: 'voice.wav', type: 'audio/wav', size: wav.size, duration: 250 });
      expect(await bytesAt(payload.attachments[0]!.url)).to.deep.equal(await bytesOf(wav));

      const id = crypto.randomUUID();
      await mosquittoPub('mosquitto', roomTopic(room), [
        JSON.stringify({
          id,
          from: 'bot',
          text: 'two links',
          ts: Date.now(),
          attachments: [
            { url: 'javascript:alert(1)', name: 'evil' },
            { url: payload.attachments[0]!.url, name: 'kept.wav', preview: 'data:text/html;base64,PHNjcmlwdD4=' },
          ],
        }),
      ]);
      const got = await waitFor(() => ann.message(id), 10_000, 'the published message, kept');
      expect(got.attachments!.map((a) => a.name)).to.deep.equal(['kept.wav']);
      expect(got.attachments![0]!.preview, 'a preview that is not an image data URL').to.equal(undefined);
      const error = ann.events.find((e) => e.type === 'error' && /attachment 1 has no http\(s\) URL/.test(e.error.message));
      expect(error, 'an error that names the dropped attachment').not.to.equal(undefined);
    } finally {
      await sub.stop();
    }
  });
});
