import { expect } from '@esm-bundle/chai';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { pdfFile, pngFile, wavFile, webmFile } from './attachment-fixtures.ts';
import { brokerUrl } from './mqtt-env.ts';
import { connected, env, FAST, statuses, uniqueName, waitFor } from './tabs.ts';
import { xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Issue 11 end to end: a visitor picks an image, a short video, a voice note and a PDF in one
 * widget, presses Send, and another widget on the same server shows the image, the players and
 * the card. The engines upload for real (the demo's POST /upload, or Prosody's XEP-0363 slots).
 */

const root = (chat: ParleyChat) => chat.shadowRoot!;
const $ = <T extends Element = HTMLElement>(chat: ParleyChat, selector: string) => root(chat).querySelector<T>(selector);

interface Side {
  protocol: 'websocket' | 'mqtt' | 'xmpp';
  server: string;
  user: string;
  room: string;
  password?: string;
  uploadUrl?: string;
}

async function mount(side: Side): Promise<ParleyChat> {
  const chat = document.createElement('parley-chat');
  Object.assign(chat, { engine: uniqueName('e2e-files'), options: FAST, ...side });
  chat.style.setProperty('--parley-height', '560px');
  // Side by side in the viewport: the list draws only the rows on screen.
  const left = document.querySelectorAll('parley-chat').length * 390;
  Object.assign(chat.style, { position: 'fixed', top: '0', left: `${left}px`, width: '380px' });
  document.body.append(chat);
  await connected(chat);
  return chat;
}

/** Picks files with the paperclip's input, types a line and presses Send, as a visitor does. */
async function sendWithFiles(chat: ParleyChat, files: File[], text: string): Promise<void> {
  const input = await waitFor(() => $<HTMLInputElement>(chat, 'input.picker'), 10_000, 'the paperclip');
  const list = new DataTransfer();
  files.forEach((f) => list.items.add(f));
  input.files = list.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await waitFor(() => root(chat).querySelectorAll('.tray-name').length === files.length, 10_000, 'the tray');
  $<HTMLTextAreaElement>(chat, 'textarea')!.value = text;
  $<HTMLButtonElement>(chat, 'button.primary')!.click();
}

async function exchange(a: Side, b: Side): Promise<void> {
  const ann = await mount(a);
  const bob = await mount(b);
  const files = [await pngFile(320, 200, 'photo.png'), await webmFile(), wavFile(1_500, 'voice.wav'), pdfFile('notes.pdf')];
  await sendWithFiles(ann, files, 'Four files');
  const message = await waitFor(() => bob.messages.find((m) => m.text === 'Four files' && m.attachments?.length === 4), 30_000, 'the message at Bob');
  // Every file went to the server and came back as an http(s) URL that serves its bytes.
  for (const [i, a] of message.attachments!.entries()) {
    expect(a.url, a.name).to.match(/^https?:\/\//);
    expect((await (await fetch(a.url)).blob()).size, a.name).to.equal(files[i]!.size);
  }
  const parts = ['.att-image img.att-full', 'video', 'audio', '.att-file'];
  await waitFor(() => parts.every((p) => $(bob, p)), 15_000, 'the image, the players and the card at Bob').catch((e) => {
    throw new Error(`${e.message}: missing ${parts.filter((p) => !$(bob, p))}; types ${message.attachments!.map((a) => a.type)}; list: ${(root(bob).innerHTML).replace(/<!--[^>]*-->/g, "").replace(/\s+/g, " ").slice(0, 3000)}`);
  });
  const image = $<HTMLImageElement>(bob, '.att-image img.att-full')!;
  // Laid out from the sender's measurements: 320×200 scaled to the bubble, before it loads.
  expect(image.width / image.height).to.be.closeTo(320 / 200, 0.02);
  expect($(bob, '.att-file .att-name')!.textContent).to.equal('notes.pdf');
  expect($(bob, '.att-audio .att-duration [aria-hidden]')!.textContent).to.equal('0:01');
  expect(message.attachments![0]!.preview, 'the image preview').to.match(/^data:image\/(png|jpeg|webp);base64,/);
  const video = message.attachments![1]!;
  expect(video.preview, `the video poster (measured ${video.width}×${video.height}, ${video.duration} ms)`).to.match(/^data:image\//);
  await waitFor(() => statuses(ann).length === 1 && statuses(ann)[0] !== 'queued' && statuses(ann)[0] !== 'sending', 10_000, 'Ann\'s message sent');
  expect(root(ann).querySelector('progress.upload'), 'no upload bar once sent').to.equal(null);
  ann.remove();
  bob.remove();
}

/** Each test starts with no widget on the page, even after one that failed. */
function removeWidgets(): void {
  document.querySelectorAll('parley-chat').forEach((c) => c.remove());
}

describe('attachments from one widget to another', () => {
  beforeEach(removeWidgets);

  it('over the JSON relay, uploaded to POST /upload', async function () {
    this.timeout(60_000);
    const { relayUrl, uploadUrl } = await env();
    const room = uniqueName('files');
    await exchange(
      { protocol: 'websocket', server: relayUrl, user: 'Ann', room, uploadUrl },
      { protocol: 'websocket', server: relayUrl, user: 'Bob', room, uploadUrl },
    );
  });

  it('over MQTT on Mosquitto, uploaded to POST /upload', async function () {
    this.timeout(60_000);
    const { uploadUrl } = await env();
    const server = await brokerUrl('mosquitto');
    const room = uniqueName('files');
    await exchange(
      { protocol: 'mqtt', server, user: 'Ann', room, uploadUrl },
      { protocol: 'mqtt', server, user: 'Bob', room, uploadUrl },
    );
  });

  it('over XMPP on Prosody, uploaded to its XEP-0363 service', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const ann = await xmppUser('ann');
    const bob = await xmppUser('bob');
    await exchange({ protocol: 'xmpp', server: url, user: ann, room: bob, password }, { protocol: 'xmpp', server: url, user: bob, room: ann, password });
  });
});
