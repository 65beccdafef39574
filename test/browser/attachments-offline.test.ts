import { expect } from '@esm-bundle/chai';
import { OfflineCache } from '../../widget/attachments/offline-cache.ts';
import { $, fixture, mount, received } from './attachment-widget.ts';
import { uniqueName, waitFor } from './tabs.ts';

/** Offline copies of attachments in the Cache API: the size cap, eviction, showing a stored copy. */

describe('offline copies of attachments', () => {
  afterEach(() => document.querySelectorAll('parley-chat').forEach((c) => c.remove()));
  it('keeps fetched files in the Cache API and evicts the oldest once over the cap', async () => {
    const name = uniqueName('cache');
    const first = `${fixture('photo.png')}?${name}`;
    const second = `${fixture('notes.pdf')}?${name}`;
    // Room for the photo (23 568 bytes) or for both, minus a byte.
    const cache = new OfflineCache(name, 23_568 + 69 - 1);
    expect(await cache.objectUrl(first)).to.match(/^blob:/);
    expect(await cache.size()).to.equal(23_568);
    const pdf = await cache.objectUrl(second);
    expect(await (await fetch(pdf!)).text()).to.contain('%PDF-1.4');
    const stored = await caches.open(name);
    expect((await stored.keys()).map((r) => r.url), 'the oldest went').to.deep.equal([second]);
    expect(await cache.size()).to.equal(69);
    await caches.delete(name);
  });

  it('keeps nothing over the offline-cache-size attribute, and still shows the file', async () => {
    const chat = await mount({ 'offline-cache-size': '1000' });
    const url = `${fixture('photo.png')}?${uniqueName('small-cap')}`;
    received(chat, [{ url, name: 'photo.png', type: 'image/png', size: 23_568, width: 640, height: 400 }]);
    await waitFor(() => $(chat, '.att-full.loaded'), 10_000, 'the image');
    expect(await (await caches.open('parley-attachments')).match(url), 'larger than the cap: not kept').to.equal(undefined);
  });

  it('shows a stored copy when the network cannot reach the file', async () => {
    const chat = await mount();
    // .invalid never resolves (RFC 2606): this image can only come from the stored copy.
    const url = `https://photos.invalid/${uniqueName('sea')}.png`;
    const png = await (await fetch(fixture('photo.png'))).blob();
    await (await caches.open('parley-attachments')).put(url, new Response(png, { headers: { 'content-type': 'image/png', 'x-parley-size': String(png.size), 'x-parley-stored': String(Date.now()) } }));
    received(chat, [{ url, name: 'sea.png', type: 'image/png', size: png.size, width: 640, height: 400 }]);
    const full = await waitFor(() => $<HTMLImageElement>(chat, '.att-full.loaded'), 10_000, 'the stored image');
    expect(full.naturalWidth).to.equal(640);
  });
});
