/**
 * Screenshots of the attachment UI, to look at (not a test): `npx vite build`, then
 * `node --import tsx test/support/attachment-screens.ts [out dir]`. Starts the demo server,
 * opens its built widget in headless Chromium at 1280×800 and 375×740, feeds it messages with
 * files, and saves: the composer with a tray, an image message and a document card, the viewer.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.ts';
import { startDemoProcess } from './demo-process.ts';

const out = process.argv[2] ?? 'test-results/attachments';
mkdirSync(out, { recursive: true });
const demo = await startDemoProcess();
const browser = await launchChromium();
try {
  for (const [label, width, height] of [['desktop', 1280, 800], ['phone', 375, 740]] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${demo.url}/embed/inline.html`);
    await page.evaluate(async ({ phone }) => {
      await customElements.whenDefined('parley-chat');
      document.body.innerHTML = '';
      const chat = document.createElement('parley-chat');
      Object.assign(chat, { server: `ws://${location.host}/relay`, room: `screens-${Math.random()}`, user: 'Ann', heading: 'Support' });
      if (phone) chat.setAttribute('mode', 'launcher');
      else Object.assign(chat.style, { width: '400px', margin: '40px auto' }), chat.style.setProperty('--parley-height', '700px');
      document.body.append(chat);
      if (phone) chat.open();
    }, { phone: label === 'phone' });
    await page.waitForFunction(() => document.querySelector('parley-chat')?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected');
    // An image drawn here stands in for an uploaded one: a blob: URL of this page's origin.
    await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(640, 400);
      const g = canvas.getContext('2d')!;
      const sky = g.createLinearGradient(0, 0, 0, 400);
      sky.addColorStop(0, '#6366f1');
      sky.addColorStop(0.6, '#f0abfc');
      sky.addColorStop(0.61, '#0e7490');
      sky.addColorStop(1, '#164e63');
      g.fillStyle = sky;
      g.fillRect(0, 0, 640, 400);
      g.fillStyle = '#fde047';
      g.beginPath();
      g.arc(440, 200, 60, 0, Math.PI * 2);
      g.fill();
      const url = URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
      const chat = document.querySelector('parley-chat')!;
      const base = { conversation: chat.conversation!, room: 'r', from: 'Bob', mine: false, ts: Date.now() };
      chat.session.merge([
        { ...base, id: 'a', order: 1, text: 'Here is the view from the office 🌅', attachments: [{ url, name: 'sunset.png', type: 'image/png', size: 182_000, width: 640, height: 400 }] },
        { ...base, id: 'b', order: 2, text: 'And the quote we discussed:', attachments: [{ url: 'https://files.example/quote-2026-11.pdf', name: 'quote-2026-11.pdf', type: 'application/pdf', size: 248_311 }] },
        { ...base, id: 'c', order: 3, text: '', attachments: [{ url: 'javascript:alert(1)', name: 'totally-safe.pdf', type: 'application/pdf', size: 10 }] },
      ]);
    });
    // Loaded, and faded in over the preview.
    await page.waitForFunction(() => {
      const full = document.querySelector('parley-chat')?.shadowRoot?.querySelector('.att-full.loaded');
      return full && getComputedStyle(full).opacity === '1';
    });
    await page.screenshot({ path: join(out, `${label}-messages.png`) });

    await page.locator('parley-chat input.picker').setInputFiles([
      { name: 'holiday-photo.png', mimeType: 'image/png', buffer: await page.screenshot({ clip: { x: 0, y: 0, width: 200, height: 150 } }) },
      { name: 'contract with a rather long file name.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 '.repeat(3000)) },
      { name: 'too-big.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(11 * 1024 * 1024) },
    ]);
    await page.waitForFunction(() => document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.tray-item').length === 2);
    await page.screenshot({ path: join(out, `${label}-tray.png`) });

    await page.locator('parley-chat button.att-image').click();
    await page.waitForFunction(() => (document.querySelector('parley-chat')?.shadowRoot?.querySelector('dialog.viewer img') as HTMLImageElement | null)?.complete);
    await page.screenshot({ path: join(out, `${label}-viewer.png`) });
    await page.close();
  }
} finally {
  await browser.close();
  demo.child.kill();
}
console.log(`screenshots in ${out}`);
