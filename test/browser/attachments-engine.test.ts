import { expect } from '@esm-bundle/chai';
import { connectionKey, conversationKey, type ChatMessage, type ConnectionConfig, type EngineEvent, type UploadProgress } from '../../worker/api.ts';
import { openParleyDb } from '../../worker/db.ts';
import { pendingOrder } from '../../worker/order.ts';
import { bytesAt, bytesOf, pdfFile, pngFile, side, statusesOf, uploadGate, wavFile } from './attachment-fixtures.ts';
import { env, FAST, openTab, reloadTab, uniqueName, waitFor } from './tabs.ts';

/** Attachments through the engine on the JSON relay, with the demo server's POST /upload (docs/attachments.md). */
describe('attachments on the JSON relay', () => {
  const relay = async (user: string, uploadUrl?: string): Promise<ConnectionConfig> => {
    const e = await env();
    return { protocol: 'websocket', url: e.relayUrl, user: uniqueName(user), uploadUrl: uploadUrl ?? e.uploadUrl, options: FAST };
  };

  it('sends a PNG, a PDF and a WAV: the peer gets each with a URL that gives back its bytes, and progress is reported', async () => {
    const room = uniqueName('files');
    const ann = await side(uniqueName('ann'), await relay('ann'), room);
    const bob = await side(uniqueName('bob'), await relay('bob'), room);
    const files = [await pngFile(120, 80), pdfFile(), wavFile(1_500)];
    const sent = await ann.api.sendFiles(ann.conversation, files, 'three files');
    expect(sent.status).to.equal('queued');
    expect(sent.attachments!.map((a) => a.url), 'no URL before the upload').to.deep.equal(['', '', '']);

    const got = await waitFor(() => bob.message(sent.id), 20_000, "the files at Bob's");
    expect(got.text).to.equal('three files');
    expect(got.mine).to.equal(false);
    const [png, pdf, wav] = got.attachments!;
    expect([png!.name, pdf!.name, wav!.name]).to.deep.equal(['drawing.png', 'notes.pdf', 'voice.wav']);
    expect([png!.type, pdf!.type, wav!.type]).to.deep.equal(['image/png', 'application/pdf', 'audio/wav']);
    expect(got.attachments!.map((a) => a.size)).to.deep.equal(files.map((f) => f.size));
    expect([png!.width, png!.height]).to.deep.equal([120, 80]);
    expect(png!.preview).to.match(/^data:image\/jpeg;base64,/);
    expect(png!.preview!.length, 'preview characters').to.be.at.most(2_048);
    expect(wav!.duration, 'ms of audio, from the WAV header').to.equal(1_500);
    for (const [i, a] of got.attachments!.entries()) {
      expect(a.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}\.\w+$/);
      expect(await bytesAt(a.url), `the bytes of ${a.name}`).to.deep.equal(await bytesOf(files[i]!));
    }

    await waitFor(() => statusesOf(ann, sent.id).includes('sent'), 10_000, "Ann's message sent");
    const progress = ann.events.flatMap((e: EngineEvent) => (e.type === 'upload-progress' && e.progress.id === sent.id ? [e.progress] : [])) as UploadProgress[];
    const total = files.reduce((sum, f) => sum + f.size, 0);
    expect(progress.length, 'progress events').to.be.at.least(2);
    expect(progress.every((p) => p.total === total)).to.equal(true);
    expect(progress.map((p) => p.sent)).to.deep.equal([...progress.map((p) => p.sent)].sort((a, b) => a - b));
    expect(progress.at(-1)!.sent).to.equal(total);
    // Ann's own copy has the URLs too, as the engine stored them.
    expect(ann.message(sent.id)!.attachments!.every((a) => a.url.startsWith('http'))).to.equal(true);
  });

  it('keeps what the tab measured of a video, which a worker cannot decode, and drops a poster that is not an image', async () => {
    const room = uniqueName('video');
    const ann = await side(uniqueName('ann'), await relay('ann'), room);
    const bob = await side(uniqueName('bob'), await relay('bob'), room);
    // The EBML magic of a WebM file, enough for the server's content check.
    const video = new File([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0])], 'clip.webm', { type: 'video/webm' });
    const poster = 'data:image/jpeg;base64,/9j/4AAQSkZJRg==';
    const sent = await ann.api.sendFiles(ann.conversation, [video, video], '', [
      { width: 1280, height: 720, duration: 4_321.4, preview: poster },
      { width: -3, height: 720, duration: Infinity, preview: 'data:text/html;base64,PHNjcmlwdD4=' },
    ]);
    const got = await waitFor(() => bob.message(sent.id), 20_000, "the videos at Bob's");
    expect(got.attachments![0]).to.include({ type: 'video/webm', width: 1280, height: 720, duration: 4_321, preview: poster });
    expect(got.attachments![1]).to.deep.equal({ url: got.attachments![1]!.url, name: 'clip.webm', type: 'video/webm', size: video.size });
  });

  it('cancel aborts the upload under way, and the peer never gets the message', async () => {
    const gate = await uploadGate();
    const room = uniqueName('cancel');
    const ann = await side(uniqueName('ann'), await relay('ann', gate.url), room);
    const bob = await side(uniqueName('bob'), await relay('bob'), room);
    const sent = await ann.api.sendFiles(ann.conversation, [pdfFile()]);
    await waitFor(async () => (await gate.stats()).requests === 1, 10_000, 'the upload held at the gate');
    await waitFor(() => statusesOf(ann, sent.id).includes('sending'), 5_000, 'the message sending while it uploads');
    await ann.api.cancel(ann.conversation, sent.id);
    expect(ann.events.some((e) => e.type === 'removed' && e.id === sent.id)).to.equal(true);
    await waitFor(async () => (await gate.stats()).aborted === 1, 10_000, 'the upload request aborted');
    await gate.set(true);
    // A message sent afterwards arrives; the cancelled one never does.
    const after = await ann.api.send(ann.conversation, 'after the cancel');
    await waitFor(() => bob.message(after.id), 10_000, 'the later message at Bob\'s');
    expect(bob.count(sent.id)).to.equal(0);
    expect((await gate.stats()).forwarded, 'uploads that reached the server').to.equal(0);
    const history = await ann.api.history(ann.conversation);
    expect(history.messages.map((m) => m.id)).not.to.include(sent.id);
  });

  it('an upload the server answers 503 waits in the queue and goes again; a refused file fails for good', async () => {
    const gate = await uploadGate();
    await gate.set(true, 1);
    const room = uniqueName('retry');
    const ann = await side(uniqueName('ann'), await relay('ann', gate.url), room);
    const bob = await side(uniqueName('bob'), await relay('bob'), room);
    const sent = await ann.api.sendFiles(ann.conversation, [await pngFile()]);
    await waitFor(() => bob.message(sent.id), 20_000, 'the file at Bob\'s after a retry');
    expect(statusesOf(ann, sent.id).slice(0, 3), 'sending, back to queued, sending again').to.deep.equal(['sending', 'queued', 'sending']);
    expect(await gate.stats()).to.include({ refused: 1, forwarded: 1 });

    // HTML that calls itself a PNG: the server refuses it by its content (HTTP 415).
    const disguised = new File(['<!doctype html><script>alert(1)</script>'], 'cat.png', { type: 'image/png' });
    const refused = await ann.api.sendFiles(ann.conversation, [disguised]);
    await waitFor(() => statusesOf(ann, refused.id).includes('failed'), 10_000, 'the refused file failed');
    const failed = ann.events.find((e) => e.type === 'status' && e.id === refused.id && e.status === 'failed');
    expect(failed && failed.type === 'status' && failed.error?.code).to.equal('upload-refused');
    expect(failed && failed.type === 'status' && failed.error?.message).to.match(/415/);
    const requests = (await gate.stats()).requests;
    // A final refusal is not retried: a backoff (FAST: up to 2 s) later, no new request.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await gate.stats()).requests).to.equal(requests);
    expect(bob.count(refused.id)).to.equal(0);
  });

  it('refuses files it cannot queue with a readable error, and keeps running', async () => {
    const ann = await side(uniqueName('ann'), { ...(await relay('ann')), options: { ...FAST, maxFileSize: 1_000 } }, uniqueName('limits'));
    const big = new File([new Uint8Array(1_001)], 'big.bin');
    const error = await ann.api.sendFiles(ann.conversation, [big]).then(() => undefined, (e: { code?: string; message: string }) => e);
    expect(error?.code).to.equal('too-large');
    expect(error?.message).to.match(/"big\.bin" has 1001 bytes; files can be at most 1000 bytes/);
    const none = await ann.api.sendFiles(ann.conversation, []).then(() => undefined, (e: { code?: string }) => e);
    expect(none?.code).to.equal('empty');
    const noUrl = await side(uniqueName('cy'), { ...(await relay('cy')), uploadUrl: undefined }, uniqueName('no-url'));
    const config = await noUrl.api.sendFiles(noUrl.conversation, [pdfFile()]).then(() => undefined, (e: { code?: string; message: string }) => e);
    expect(config?.code).to.equal('config');
    expect(config?.message).to.match(/upload-url/);
    const badUrl = await side(uniqueName('dee'), { ...(await relay('dee')), uploadUrl: 'javascript:alert(1)' }, uniqueName('bad-url'));
    const scheme = await badUrl.api.sendFiles(badUrl.conversation, [pdfFile()]).then(() => undefined, (e: { code?: string; message: string }) => e);
    expect(scheme?.code).to.equal('config');
    expect(scheme?.message).to.match(/not an http\(s\) URL/);
    // Still running: a plain message goes out.
    const text = await ann.api.send(ann.conversation, 'still here');
    await waitFor(() => statusesOf(ann, text.id).includes('sent'), 10_000, 'a message after the refusals');
  });

  it('an engine that starts finds a half-uploaded message in its database: it uploads only the missing file, then sends it', async () => {
    const gate = await uploadGate();
    await gate.set(true);
    const engine = uniqueName('restart');
    const room = uniqueName('room');
    const config = await relay('ann', gate.url);
    const bob = await side(uniqueName('bob'), await relay('bob'), room);
    // What an engine that stopped mid-upload left behind: the first file has its URL already.
    const first = pdfFile('first.pdf');
    const form = new FormData();
    form.append('file', first, first.name);
    const earlier = await fetch((await env()).uploadUrl, { method: 'POST', body: form });
    const firstUrl = ((await earlier.json()) as { url: string }).url;
    const second = await pngFile(40, 40, 'second.png');
    const key = connectionKey(config);
    const conversation = conversationKey(key, room);
    const ts = Date.now();
    const attachments = [
      { url: firstUrl, name: first.name, type: first.type, size: first.size },
      { url: '', name: second.name, type: second.type, size: second.size },
    ];
    const message: ChatMessage = { id: crypto.randomUUID(), conversation, room, from: config.user, text: 'left behind', attachments, ts, order: pendingOrder(ts), status: 'sending', mine: true };
    const db = await openParleyDb(`parley:${engine}`, () => undefined);
    const tx = db.transaction(['messages', 'uploads'], 'readwrite');
    await tx.objectStore('messages').put({ ...message, queue: [key, 1] });
    await tx.objectStore('uploads').put({ id: message.id, conversation, files: [first, second], attachments });
    await tx.done;
    db.close();

    const ann = await side(engine, config, room);
    const got = await waitFor(() => bob.message(message.id), 20_000, 'the left-behind message at Bob\'s');
    expect(got.attachments!.map((a) => a.name)).to.deep.equal(['first.pdf', 'second.png']);
    expect(got.attachments![0]!.url).to.equal(firstUrl);
    expect(await bytesAt(got.attachments![1]!.url)).to.deep.equal(await bytesOf(second));
    expect((await gate.stats()).forwarded, 'only the missing file uploaded').to.equal(1);
    await waitFor(() => statusesOf(ann, message.id).includes('sent'), 10_000, 'sent');
  });

  for (const ending of ['reloads', 'closes'] as const) {
    it(`the tab that started an upload ${ending === 'reloads' ? 'reloads' : 'closes while another stays open'}: the file is uploaded and the message sent once`, async () => {
      const gate = await uploadGate();
      const engine = uniqueName('tab-upload');
      const room = uniqueName('room');
      const config = await relay('ann', gate.url);
      // This page is the tab that stays: it opened the conversation first, so the connection has
      // the upload URL (a connection takes the configuration of the first widget that opened it).
      const stays = await side(engine, config, room);
      const bob = await side(uniqueName('bob'), await relay('bob'), room);
      let tab = await openTab({ engine, user: config.user, server: config.url, room, options: FAST });
      // The upload starts from the tab's own engine client, as its widget would.
      const win = tab.frame.contentWindow as Window & { eval(code: string): Promise<typeof import('../../widget/engine-client.ts')> };
      const client = await (await win.eval('import("/widget/engine-client.ts")')).engineClient(engine);
      const { conversation } = await client.api.open(config, room);
      const file = await pngFile(300, 200, 'from-the-tab.png');
      const sent = await client.api.sendFiles(conversation, [file], 'uploaded by a tab');
      await waitFor(async () => (await gate.stats()).requests === 1, 10_000, 'the upload held at the gate');
      // Text sent meanwhile goes ahead; the message with the file waits for its URL.
      const meanwhile = await stays.api.send(stays.conversation, 'meanwhile');
      await waitFor(() => bob.message(meanwhile.id), 10_000, 'the text sent during the upload');
      expect(bob.count(sent.id), 'the file message before its upload finished').to.equal(0);
      if (ending === 'reloads') tab = await reloadTab(tab);
      else tab.close();
      await gate.set(true);
      const got = await waitFor(() => bob.message(sent.id), 20_000, "the tab's file at Bob's");
      expect(await bytesAt(got.attachments![0]!.url)).to.deep.equal(await bytesOf(file));
      await waitFor(() => statusesOf(stays, sent.id).includes('sent'), 10_000, 'sent, as the staying tab sees it');
      // Once: one upload, and one message at the peer, also after a later message went through.
      const later = await stays.api.send(stays.conversation, 'later');
      await waitFor(() => bob.message(later.id), 10_000, 'the later message');
      expect(await gate.stats()).to.include({ requests: 1, forwarded: 1 });
      expect(bob.count(sent.id)).to.equal(1);
      if (ending === 'reloads') tab.close();
    });
  }
});
