import { toInfo } from '../errors.ts';
import type { Uploader, UploaderDeps } from './uploader.ts';

/**
 * The engine's handle on one connection's Uploader (worker/uploads/uploader.ts), whose code
 * loads only when a message has files: the first sendFiles(), a Retry or cancel of such a
 * message, or files a closed engine left half uploaded (the `uploads` store is not empty). A
 * chat that never sends a file never downloads the upload code (README, "Benchmarks": size).
 */
export class LazyUploader {
  #loaded?: Promise<Uploader>;
  #closed = false;

  constructor(readonly deps: UploaderDeps) {}

  #load(): Promise<Uploader> {
    this.#loaded ??= import('./uploader.ts').then(({ Uploader }) => {
      const uploader = new Uploader(this.deps);
      if (this.#closed) uploader.close();
      return uploader;
    });
    return this.#loaded;
  }

  /** Starts every upload the outbox holds; loads nothing while no message has files waiting. */
  async resume(): Promise<void> {
    if (this.#closed) return;
    if (!this.#loaded && (await (await this.deps.db()).count('uploads')) === 0) return;
    await (await this.#load()).resume();
  }

  /** Uploads the files of message `id` that have no URL yet. */
  start(id: string): void {
    if (this.#closed) return;
    this.#load().then(
      (uploader) => uploader.start(id),
      (e: unknown) => this.deps.emit({ type: 'error', error: toInfo(e) }),
    );
  }

  /** Aborts the message's upload, if one is under way or waits, keeping its files (Uploader.abort). */
  async abort(id: string): Promise<void> {
    if (this.#loaded) (await this.#loaded).abort(id);
  }

  /** The connection closed: stop, keeping every record for the next engine or link. */
  close(): void {
    this.#closed = true;
    void this.#loaded?.then((uploader) => uploader.close(), () => undefined);
  }
}

/** Describes files for sendFiles() (worker/uploads/describe.ts), loaded with the first. */
export const describeFiles: typeof import('./describe.ts').describeFile = async (file, measured) =>
  (await import('./describe.ts')).describeFile(file, measured);
