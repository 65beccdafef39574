import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { $, $$, PREVIEW, fixture, mount, received, root } from './attachment-widget.ts';
import { tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

/** How received attachments look: images, players, cards, hostile names, the viewer, upload progress. */

describe('attachments', () => {
  tolerateResizeObserverNotice();
  afterEach(() => document.querySelectorAll('parley-chat').forEach((c) => c.remove()));

  it('lays an image out from its width and height, shows the preview, then the full image from the offline copy', async () => {
    const chat = await mount();
    const url = `${fixture('photo.png')}?${uniqueName('v')}`;
    received(chat, [{ url, name: 'photo.png', type: 'image/png', size: 23568, width: 640, height: 400, preview: PREVIEW }], { text: 'Look' });
    const button = await waitFor(() => $(chat, 'button.att-image'), 5_000, 'the image');
    const before = button.getBoundingClientRect();
    // 640×400 scaled to the 260 px box: the height is known before a byte of the image arrives.
    expect([before.width, Math.round(before.height)]).to.deep.equal([260, 163]);
    expect($<HTMLImageElement>(chat, '.att-preview')!.getAttribute('src')).to.equal(PREVIEW);
    const full = await waitFor(() => $<HTMLImageElement>(chat, '.att-full.loaded'), 10_000, 'the full image');
    expect(full.getAttribute('src')).to.match(/^blob:/);
    expect(full.naturalWidth).to.equal(640);
    const after = button.getBoundingClientRect();
    expect([after.width, after.height], 'nothing moved').to.deep.equal([before.width, before.height]);
    expect(button.getAttribute('aria-label')).to.equal('Open photo.png full size');
    expect(await caches.open('parley-attachments').then((c) => c.match(url)), 'kept in the Cache API').to.not.equal(undefined);
  });

  it('shows audio and video as players with their duration, the video with its poster, and a document as a card', async () => {
    const chat = await mount();
    received(chat, [
      { url: 'https://files.invalid/note.ogg', name: 'note.ogg', type: 'audio/ogg', size: 5000, duration: 42_000 },
      { url: 'https://files.invalid/clip.webm', name: 'clip.webm', type: 'video/webm', size: 90_000, duration: 75_000, width: 320, height: 240, preview: PREVIEW },
      { url: fixture('notes.pdf'), name: 'notes.pdf', type: 'application/pdf', size: 2_500_000 },
    ]);
    await waitFor(() => $(chat, '.att-file') && $(chat, 'audio') && $(chat, 'video'), 10_000, 'the players and the card');
    expect($(chat, '.att-audio figcaption > span')!.textContent).to.equal('note.ogg');
    expect($(chat, '.att-audio .att-duration .sr-only')!.textContent, 'read out').to.equal('Duration 0:42');
    expect($(chat, '.att-audio .att-duration [aria-hidden]')!.textContent, 'shown').to.equal('0:42');
    const video = $<HTMLVideoElement>(chat, 'video')!;
    expect([video.getAttribute('poster'), video.width, video.height, video.controls]).to.deep.equal([PREVIEW, 260, 195, true]);
    expect($(chat, '.att-video .att-duration [aria-hidden]')!.textContent).to.equal('1:15');
    const card = $(chat, '.att-file')!;
    expect(card.querySelector('.att-name')!.textContent).to.equal('notes.pdf');
    expect(card.querySelector('.att-details')!.textContent).to.equal('2.4 MB, application/pdf');
    const link = await waitFor(() => card.querySelector<HTMLAnchorElement>('a.att-download'), 5_000, 'the download link');
    expect([link.getAttribute('download'), link.textContent]).to.deep.equal(['notes.pdf', 'Download notes.pdf']);
    expect(link.href).to.match(/^(blob:|http)/);
  });

  it('shows hostile names and URLs as inert text: no script, no javascript: or data:text/html link', async () => {
    const chat = await mount();
    let ran = false;
    (window as unknown as { pwned: () => void }).pwned = () => (ran = true);
    received(chat, [
      { url: 'javascript:pwned()', name: '<img src=x onerror=pwned()>.pdf', type: 'application/pdf', size: 10 },
      { url: 'data:text/html,<script>pwned()</script>', name: 'page.html', type: 'text/html', size: 10 },
      { url: 'JAVASCRIPT:pwned()', name: 'x.png', type: 'image/png', size: 10, width: 10, height: 10 },
      { url: '', name: '<script>pwned()</script>', type: 'image/png', size: 10, preview: 'data:image/svg+xml,<svg onload="pwned()"/>' },
      { url: fixture('notes.pdf'), name: '"><img src=x onerror=pwned()>', type: 'video/mp4', size: 10, preview: 'javascript:pwned()' },
    ]);
    await waitFor(() => $$(chat, '.att').length === 5, 5_000, 'five attachments');
    const blocked = $$(chat, '.att-blocked').map((b) => b.textContent!.replace(/\s+/g, ' ').trim());
    expect(blocked).to.deep.equal([
      '<img src=x onerror=pwned()>.pdf (link not shown: not a web address: javascript:pwned())',
      'page.html (link not shown: not a web address: data:text/html,<script>pwned()</script>)',
      'x.png (link not shown: not a web address: JAVASCRIPT:pwned())',
    ]);
    // Every URL in the list's DOM is http(s), our own blob:, or the one PNG preview allowed.
    for (const el of $$(chat, '.attachments [src], .attachments [href], .attachments [poster]'))
      for (const attr of ['src', 'href', 'poster'])
        if (el.hasAttribute(attr)) expect(el.getAttribute(attr), `${el.localName} ${attr}`).to.match(new RegExp(`^(https?://|blob:${location.origin}/)`));
    expect($(chat, '.attachments img[src="x"], .attachments script'), 'no element made from a name').to.equal(null);
    expect($(chat, '.att-image[role=img]')!.getAttribute('aria-label')).to.equal('<script>pwned()</script>');
    await new Promise((r) => setTimeout(r, 200));
    expect(ran, 'no script ran').to.equal(false);
  });

  it('opens an image full size in a modal viewer: focus inside, Tab trapped, Escape closes it alone and focus returns', async () => {
    const chat = await mount({ mode: 'launcher' });
    received(chat, [{ url: fixture('photo.png'), name: 'sea.png', type: 'image/png', size: 23568, width: 640, height: 400 }]);
    const image = await waitFor(() => $<HTMLButtonElement>(chat, 'button.att-image'), 10_000, 'the image button');
    image.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = await waitFor(() => $<HTMLDialogElement>(chat, 'dialog.viewer[open]'), 5_000, 'the viewer');
    expect(dialog.matches(':modal')).to.equal(true);
    expect(dialog.getAttribute('aria-label')).to.equal('Image: sea.png');
    const active = () => root(chat).activeElement;
    expect(active()?.className).to.equal('viewer-close');
    const full = dialog.querySelector<HTMLImageElement>('img.viewer-image')!;
    await waitFor(() => full.complete && full.naturalWidth === 640, 5_000, 'the full image');
    expect(full.alt).to.equal('sea.png');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      seen.push(active()?.className ?? String(document.activeElement?.localName));
    }
    expect(seen, 'Tab cycles inside').to.deep.equal(['viewer-download', 'viewer-close', 'viewer-download', 'viewer-close']);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(active()?.className).to.equal('viewer-download');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !$(chat, 'dialog.viewer'), 5_000, 'the viewer closed');
    expect(chat.isOpen, 'Escape closed the viewer, not the panel').to.equal(true);
    await waitFor(() => active()?.classList.contains('att-image'), 5_000, 'focus back on the image');
    expect(active()?.getAttribute('aria-label')).to.equal('Open sea.png full size');
  });

  it('shows an upload bar and a cancel button on an own message whose files are uploading', async () => {
    const chat = await mount();
    const m = received(chat, [{ url: '', name: 'big.mov', type: 'video/quicktime', size: 8_000_000 }], { mine: true, from: 'Ann', status: 'sending', order: 2 ** 52 });
    chat.session.uploads.set(m.id, { conversation: chat.conversation!, id: m.id, sent: 2_000_000, total: 8_000_000 });
    chat.session.redraw();
    const bar = await waitFor(() => {
      const shown = $<HTMLProgressElement>(chat, `.message[data-id="${m.id}"] progress.upload`);
      return shown?.value === 2_000_000 && shown;
    }, 5_000, 'the upload bar at 2 MB');
    expect([bar.value, bar.max, bar.getAttribute('aria-label')]).to.deep.equal([2_000_000, 8_000_000, 'Uploading big.mov: 25%']);
    expect($(chat, `.message[data-id="${m.id}"] .actions button`)!.textContent).to.equal('Cancel');
    chat.session.merge([{ ...m, status: 'sent', attachments: [{ ...m.attachments![0]!, url: 'https://files.invalid/big.mov' }] }]);
    await waitFor(() => !$(chat, 'progress.upload'), 5_000, 'the bar gone once sent');
  });
});
