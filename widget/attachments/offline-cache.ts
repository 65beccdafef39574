/**
 * Received attachments kept in the Cache API, so that a conversation read once still shows its
 * images, voice notes and files offline. It lives in the widget, not the engine: the widget is
 * what fetches a file to show it, the Cache API is shared by every tab of the origin anyway, and
 * an `<img>` can only show a cached copy through a `blob:` URL made in its own document.
 *
 * Each entry records its size and when it was stored (two headers of our own); after each
 * store the oldest entries go until the total is under the cap. A file is fetched with CORS:
 * a server that does not allow it is shown from the network only.
 */

/** Default cap on the bytes kept, over all entries: 50 MB. */
export const DEFAULT_CACHE_CAP = 50 * 1024 * 1024;
const SIZE = 'x-parley-size';
const STORED = 'x-parley-stored';

export class OfflineCache {
  /** url → the blob: URL of the copy, or undefined when there is none to be had. */
  readonly #urls = new Map<string, Promise<string | undefined>>();

  constructor(
    /** Name of the Cache API cache. */
    readonly name = 'parley-attachments',
    /** Bytes. */
    readonly cap = DEFAULT_CACHE_CAP,
  ) {}

  /**
   * A `blob:` URL for `url`'s bytes: the stored copy, or fetched and stored now. Undefined
   * when it cannot be fetched (offline and never stored, no CORS, an error status) or when this
   * page has no Cache API (an insecure origin): show `url` itself then.
   */
  objectUrl(url: string): Promise<string | undefined> {
    let known = this.#urls.get(url);
    if (!known) {
      known = this.#load(url).catch(() => undefined);
      this.#urls.set(url, known);
      // A failure is not kept: the next render tries again, when the network may be back.
      void known.then((found) => found === undefined && this.#urls.delete(url));
    }
    return known;
  }

  async #load(url: string): Promise<string | undefined> {
    const cache = await this.#open();
    const hit = await cache?.match(url);
    if (hit) return URL.createObjectURL(await hit.blob());
    const response = await fetch(url, { mode: 'cors', credentials: 'omit' });
    if (!response.ok) return undefined;
    const blob = await response.blob();
    if (cache && blob.size <= this.cap) await this.#store(cache, url, blob);
    return URL.createObjectURL(blob);
  }

  async #store(cache: Cache, url: string, blob: Blob): Promise<void> {
    const headers = { 'content-type': blob.type, [SIZE]: String(blob.size), [STORED]: String(Date.now()) };
    await cache.put(url, new Response(blob, { headers }));
    await this.evict(cache);
  }

  /** Deletes the oldest entries until the total is at most the cap. */
  async evict(cache?: Cache): Promise<void> {
    cache ??= await this.#open();
    if (!cache) return;
    const entries: { request: Request; size: number; stored: number }[] = [];
    // keys() lists entries in the order they were put (Service Workers §5.4.6): the stable
    // sort keeps that order for entries stored in the same millisecond.
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push({ request, size: Number(response?.headers.get(SIZE)) || 0, stored: Number(response?.headers.get(STORED)) || 0 });
    }
    entries.sort((a, b) => a.stored - b.stored);
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const e of entries) {
      if (total <= this.cap) break;
      await cache.delete(e.request);
      total -= e.size;
    }
  }

  /** The bytes stored, over all entries. */
  async size(): Promise<number> {
    const cache = await this.#open();
    if (!cache) return 0;
    let total = 0;
    for (const request of await cache.keys()) total += Number((await cache.match(request))?.headers.get(SIZE)) || 0;
    return total;
  }

  async #open(): Promise<Cache | undefined> {
    // The Cache API exists only in secure contexts; a page on plain http has none.
    return globalThis.caches?.open(this.name);
  }
}
