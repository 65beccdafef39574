import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { microphone } from '../../widget/attachments/recorder.ts';
import { webmFile } from './attachment-fixtures.ts';
import { $, $$, alertText, fixture, mount, pick, received, root, trayNames } from './attachment-widget.ts';
import { tolerateResizeObserverNotice, waitFor } from './tabs.ts';

/** Composing with files: the picker's limits, the tray, drop and paste, voice notes, sending. */

/** The real microphone: getUserMedia. Tests that give another stream put it back after. */
const realMicrophone = microphone.open;

describe('attachments', () => {
  tolerateResizeObserverNotice();
  afterEach(() => {
    document.querySelectorAll('parley-chat').forEach((c) => c.remove());
    microphone.open = realMicrophone;
  });

  it('refuses a file too large or of a refused type before any upload, naming the limit', async () => {
    const chat = await mount({ 'max-file-size': '2048' });
    await waitFor(() => $(chat, 'input.picker'), 5_000, 'the picker');
    pick(chat, [new File([new Uint8Array(4096)], 'big.png', { type: 'image/png' }), new File(['ok'], 'small.png', { type: 'image/png' })]);
    await waitFor(() => alertText(chat), 5_000, 'the error');
    expect(alertText(chat)).to.equal('“big.png” is too large: files can be at most 2 kB.');
    expect(trayNames(chat)).to.deep.equal(['small.png']);
    pick(chat, [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })]);
    await waitFor(() => alertText(chat).includes('setup.exe'), 5_000, 'the type error');
    expect(alertText(chat)).to.equal('“setup.exe” cannot be sent: this chat accepts images, audio, video, PDF and office documents.');
    chat.setAttribute('accept', 'image/*, .txt');
    pick(chat, [new File(['%PDF'], 'notes.pdf', { type: 'application/pdf' })]);
    await waitFor(() => alertText(chat).includes('notes.pdf'), 5_000, 'the type error for accept');
    expect(alertText(chat)).to.equal('“notes.pdf” cannot be sent: this chat accepts image/*, .txt.');
    expect($<HTMLInputElement>(chat, 'input.picker')!.accept).to.equal('image/*, .txt');
    expect($(chat, 'button.record'), 'no voice notes where audio is not accepted').to.equal(null);
    chat.lang = 'fr';
    await waitFor(() => $(chat, 'button.primary')?.textContent === 'Envoyer', 5_000, 'French');
    pick(chat, [new File([new Uint8Array(4096)], 'gros.png', { type: 'image/png' })]);
    await waitFor(() => alertText(chat).includes('gros.png'), 5_000, 'the French error');
    // Intl puts a no-break space between a number and its unit.
    expect(alertText(chat).replace(/\s/g, ' ')).to.equal('« gros.png » est trop volumineux : un fichier peut faire au plus 2 ko.');
    expect(trayNames(chat), 'refused files never reach the tray').to.deep.equal(['small.png']);
  });

  it('shows attached files in the tray with thumbnail, name and size, and removes each one', async () => {
    const chat = await mount();
    await waitFor(() => $(chat, 'button.attach'), 5_000, 'the paperclip');
    expect($(chat, 'button.attach')!.getAttribute('aria-label')).to.equal('Attach files');
    const png = await (await fetch(fixture('photo.png'))).blob();
    pick(chat, [new File([png], 'photo.png', { type: 'image/png' }), new File(['%PDF-1.4'], 'report.pdf', { type: 'application/pdf' })]);
    await waitFor(() => trayNames(chat).length === 2, 5_000, 'two files in the tray');
    expect($(chat, '.tray')!.getAttribute('aria-label')).to.equal('Files to send');
    expect($$(chat, '.tray-size').map((s) => s.textContent)).to.deep.equal(['23 kB', '8 bytes']);
    const thumb = $<HTMLImageElement>(chat, 'img.tray-thumb')!;
    expect(thumb.src).to.match(/^blob:/);
    await waitFor(() => thumb.complete && thumb.naturalWidth === 640, 5_000, 'the thumbnail');
    const removes = $$<HTMLButtonElement>(chat, 'button.tray-remove');
    expect(removes.map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Remove photo.png', 'Remove report.pdf']);
    removes[0]!.focus();
    removes[0]!.click();
    await waitFor(() => trayNames(chat).length === 1, 5_000, 'one file left');
    expect(trayNames(chat)).to.deep.equal(['report.pdf']);
    await waitFor(() => root(chat).activeElement?.getAttribute('aria-label') === 'Remove report.pdf', 2_000, 'focus on the next remove button');
    $<HTMLButtonElement>(chat, 'button.tray-remove')!.click();
    await waitFor(() => !$(chat, '.tray'), 5_000, 'the tray gone');
    await waitFor(() => root(chat).activeElement?.localName === 'textarea', 2_000, 'focus on the text box');
  });

  it('attaches files dropped on the panel and an image pasted into the text box', async () => {
    const chat = await mount();
    const panel = $(chat, '.panel')!;
    const dropped = new DataTransfer();
    dropped.items.add(new File(['hello'], 'dropped.txt', { type: 'text/plain' }));
    panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, composed: true, cancelable: true }));
    expect(chat.hasAttribute('dropping'), 'the panel shows it takes the drop').to.equal(true);
    await waitFor(() => $(chat, '.drop-hint')?.textContent === 'Drop files to attach them', 2_000, 'the hint');
    const drop = new DragEvent('drop', { dataTransfer: dropped, bubbles: true, composed: true, cancelable: true });
    panel.dispatchEvent(drop);
    expect(drop.defaultPrevented, 'the browser does not open the file').to.equal(true);
    await waitFor(() => trayNames(chat).join() === 'dropped.txt', 5_000, 'the dropped file');
    expect(chat.hasAttribute('dropping')).to.equal(false);

    const pasted = new DataTransfer();
    pasted.items.add(new File([await (await fetch(fixture('photo.png'))).blob()], 'image.png', { type: 'image/png' }));
    const paste = new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, composed: true, cancelable: true });
    // Firefox copies only the strings of a constructed event's clipboardData: hand it the files as a real paste would.
    if (!paste.clipboardData?.files.length) Object.defineProperty(paste, 'clipboardData', { value: pasted });
    $(chat, 'textarea')!.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    await waitFor(() => trayNames(chat).join() === 'dropped.txt,image.png', 5_000, 'the pasted image');
    expect($<HTMLTextAreaElement>(chat, 'textarea')!.value, 'no file name pasted as text').to.equal('');
  });

  it('in panel mode, takes no file dropped on the closed panel, and takes it once the panel is open', async () => {
    const chat = await mount({ mode: 'panel' });
    const files = new DataTransfer();
    files.items.add(new File(['hello'], 'dropped.txt', { type: 'text/plain' }));
    const drop = () => {
      chat.dispatchEvent(new DragEvent('dragover', { dataTransfer: files, bubbles: true, composed: true, cancelable: true }));
      const event = new DragEvent('drop', { dataTransfer: files, bubbles: true, composed: true, cancelable: true });
      chat.dispatchEvent(event);
      return event;
    };
    // Closed, it may still be drawn (parked): a drop on the page where it sits is the page's.
    await waitFor(() => $(chat, '.panel.parked'), 5_000, 'the parked panel');
    expect(drop().defaultPrevented, 'the closed panel leaves the drop to the page').to.equal(false);
    expect(chat.hasAttribute('dropping')).to.equal(false);
    expect(trayNames(chat)).to.deep.equal([]);
    chat.open();
    expect(drop().defaultPrevented, 'the open panel takes the drop').to.equal(true);
    await waitFor(() => trayNames(chat).join() === 'dropped.txt', 5_000, 'the dropped file');
  });

  it('records a voice note with the elapsed time, cancels one, and sends another as an audio file', async function () {
    this.timeout(30_000);
    // Playing the note needs the page's user activation (the autoplay policy): a real key press,
    // before any widget has focus, gives it, as the viewer test's did when they shared a file.
    await sendKeys({ press: 'Enter' });
    const chat = await mount();
    const audio = new AudioContext();
    const streams: MediaStream[] = [];
    // The microphone: a 440 Hz oscillator through WebAudio, a real MediaStream for MediaRecorder.
    microphone.open = async () => {
      const oscillator = audio.createOscillator();
      const out = audio.createMediaStreamDestination();
      oscillator.connect(out);
      oscillator.start();
      streams.push(out.stream);
      return out.stream;
    };
    const sent: Blob[][] = [];
    const measured: unknown[] = [];
    // Until the engine's sendFiles lands on this branch, the session's call is where the note is caught.
    chat.session.sendFiles = async (files: Blob[], _text?: string, m?: unknown[]) => (sent.push(files), measured.push(...(m ?? [])), received(chat, [], { mine: true }));
    try {
      await waitFor(() => $(chat, 'button.record'), 5_000, 'the record button');
      $<HTMLButtonElement>(chat, 'button.record')!.click();
      await waitFor(() => $(chat, '.rec-time')?.textContent === '0:01', 5_000, 'one second elapsed');
      expect($(chat, '.rec-time')!.getAttribute('role')).to.equal('timer');
      expect(root(chat).activeElement?.className, 'focus on Send voice note').to.contain('rec-send');
      $<HTMLButtonElement>(chat, 'button.rec-cancel')!.click();
      await waitFor(() => !$(chat, '.recorder'), 5_000, 'the recorder gone');
      await waitFor(() => root(chat).activeElement?.classList.contains('record'), 2_000, 'focus back on the record button');
      expect(streams[0]!.getTracks().every((t) => t.readyState === 'ended'), 'the microphone released').to.equal(true);
      expect(sent, 'a cancelled note is not sent').to.deep.equal([]);

      $<HTMLButtonElement>(chat, 'button.record')!.click();
      await waitFor(() => $(chat, '.rec-time')?.textContent === '0:02', 5_000, 'two seconds elapsed');
      $<HTMLButtonElement>(chat, 'button.rec-send')!.click();
      await waitFor(() => sent.length === 1, 5_000, 'the note sent');
      const [note] = sent[0]! as File[];
      expect(note!.type).to.match(/^audio\//);
      expect(note!.name).to.match(/^Voice note \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.(webm|ogg)$/);
      // It plays, for about as long as it was recorded (a recorder's WebM may not state its duration).
      const player = new Audio(URL.createObjectURL(note!));
      player.muted = true;
      const ended = new Promise((r) => player.addEventListener('ended', r, { once: true }));
      await player.play();
      await ended;
      expect(player.currentTime, 'about two seconds of sound').to.be.within(1.5, 3.5);
      const { duration } = measured[0] as { duration: number };
      expect(duration, 'its length goes with it, in ms').to.be.within(1_500, 3_500);
      expect(!$(chat, '.recorder') && streams[1]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    } finally {
      await audio.close();
    }
  });

  it('sends the files in the tray with the text as one message, with what the tab measured, and empties the tray and the box', async function () {
    this.timeout(30_000);
    const chat = await mount();
    const video = await webmFile();
    const calls: { files: Blob[]; text?: string; measured?: unknown[] }[] = [];
    chat.session.sendFiles = async (files: Blob[], text?: string, measured?: unknown[]) => (calls.push({ files, text, measured }), received(chat, [], { mine: true }));
    await waitFor(() => $(chat, 'input.picker'), 5_000, 'the picker');
    pick(chat, [video, new File(['%PDF-1.4'], 'notes.pdf', { type: 'application/pdf' })]);
    await waitFor(() => trayNames(chat).length === 2, 5_000, 'the tray');
    $<HTMLTextAreaElement>(chat, 'textarea')!.value = 'Two files';
    $<HTMLButtonElement>(chat, 'button.primary')!.click();
    await waitFor(() => calls.length === 1 && !$(chat, '.tray'), 10_000, 'sent, and the tray empty');
    expect($<HTMLTextAreaElement>(chat, 'textarea')!.value).to.equal('');
    const [call] = calls;
    expect(call!.files.map((f) => (f as File).name)).to.deep.equal(['clip.webm', 'notes.pdf']);
    expect(call!.text).to.equal('Two files');
    const [clip, pdf] = call!.measured as [{ width: number; height: number; preview: string }, undefined];
    expect([clip.width, clip.height]).to.deep.equal([320, 180]);
    expect(clip.preview).to.match(/^data:image\/jpeg;base64,/);
    expect(clip.preview.length).to.be.at.most(2_048);
    expect(pdf, 'nothing to measure in a PDF').to.equal(undefined);
  });

  it('explains a refused microphone instead of failing silently', async () => {
    const chat = await mount();
    // What a browser throws when the visitor (or the site's permissions) deny the microphone.
    microphone.open = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    await waitFor(() => $(chat, 'button.record'), 5_000, 'the record button');
    $<HTMLButtonElement>(chat, 'button.record')!.click();
    await waitFor(() => alertText(chat), 5_000, 'the explanation');
    expect(alertText(chat)).to.equal('The microphone is blocked for this site. Allow it in the browser’s site settings to record a voice note.');
    expect($(chat, '.recorder')).to.equal(null);
    // The test browsers have no audio device: the real getUserMedia says so.
    microphone.open = realMicrophone;
    $<HTMLButtonElement>(chat, 'button.record')!.click();
    await waitFor(() => alertText(chat) === 'No microphone was found.', 5_000, 'no microphone');
  });
});
