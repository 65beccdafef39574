import type { Capabilities, ChatMessage, ConnectionConfig, EngineEvent, ErrorInfo, MessageStatus } from '../api.ts';
import { Backoff } from '../backoff.ts';
import { asMessage, type ParleyDb, type UploadRecord } from '../db.ts';
import { toInfo } from '../errors.ts';
import type { History } from '../history.ts';
import { sourcesOf } from '../message-status.ts';
import { Timer, type Timers } from '../timers.ts';
import type { FileInfo, UploadSlot } from '../transports/transport.ts';
import { startUpload, UploadError, type UploadRequest } from './http-upload.ts';

export interface UploaderDeps {
  db: () => Promise<ParleyDb>;
  history: History;
  config: () => ConnectionConfig;
  capabilities: () => Promise<Capabilities>;
  /** A XEP-0363 slot on the current link; rejects when there is none. */
  slot: (file: FileInfo) => Promise<UploadSlot>;
  /** The ids of the connection's queued messages, oldest first. */
  queued: () => Promise<string[]>;
  /** Sends what waits in the outbox (worker/delivery.ts), once a message's files all have URLs. */
  flush: () => void;
  emit: (event: EngineEvent) => void;
  timers: Timers;
  random: () => number;
  /** The connection's reconnect backoff, in ms: uploads wait the same way between attempts. */
  backoff: { base: number; cap: number };
}

/** Least time between two `upload-progress` events of one message, in ms. */
const PROGRESS_EVERY = 100;

/**
 * XEP-0363 §4 and RFC 6120 §8.3.3 conditions for which asking again for the same file is
 * pointless: too large (`not-acceptable` with <file-too-large/>), not allowed, malformed.
 */
const FINAL_SLOT_CONDITIONS = new Set(['not-acceptable', 'forbidden', 'not-allowed', 'bad-request', 'policy-violation', 'not-authorized']);

interface Job {
  running: boolean;
  cancelled: boolean;
  abort?: () => void;
  /** The wait before the next attempt after a failure that may pass. */
  wait: Timer;
  backoff: Backoff;
}

/**
 * One connection's uploads. A message with files sits in the outbox with its Blobs in the
 * `uploads` store (worker/db.ts) until each file has a URL: then the message's attachments get
 * the URLs, the record goes, and the outbox sends it (worker/outbox-drain.ts holds it until then).
 * Files upload one after another, each once: a URL is stored as soon as it exists, so a reload
 * or an engine restart uploads only what is missing. A refusal (HTTP 4xx, a slot error) fails
 * the message until Retry; anything else goes back to `queued` and tries again after the
 * connection's backoff, or at once when the connection opens.
 */
export class Uploader {
  readonly #jobs = new Map<string, Job>();
  #closed = false;

  constructor(readonly deps: UploaderDeps) {}

  /** Starts every upload the outbox holds, and ends the backoff wait of those that wait. */
  async resume(): Promise<void> {
    if (this.#closed) return;
    const db = await this.deps.db();
    for (const id of await this.deps.queued()) if (await db.getKey('uploads', id)) this.start(id);
  }

  /** Uploads the files of message `id` that have no URL yet, unless that is under way. */
  start(id: string): void {
    if (this.#closed) return;
    let job = this.#jobs.get(id);
    if (!job) {
      job = { running: false, cancelled: false, wait: new Timer(this.deps.timers), backoff: new Backoff({ ...this.deps.backoff, random: this.deps.random }) };
      this.#jobs.set(id, job);
    }
    if (job.running) return;
    job.wait.stop();
    void this.#run(id, job).catch((e: unknown) => this.deps.emit({ type: 'error', error: toInfo(e) }));
  }

  /** Aborts the message's upload and forgets its files. */
  async cancel(id: string): Promise<void> {
    this.abort(id);
    await (await this.deps.db()).delete('uploads', id);
  }

  /** Aborts the message's upload (or its wait for the next attempt), keeping its files: start() takes it up again. */
  abort(id: string): void {
    const job = this.#jobs.get(id);
    this.#jobs.delete(id);
    if (!job) return;
    job.cancelled = true;
    job.wait.stop();
    job.abort?.();
  }

  /** The connection closed: stop, keeping every record for the next engine or link. */
  close(): void {
    this.#closed = true;
    for (const job of this.#jobs.values()) {
      job.cancelled = true;
      job.wait.stop();
      job.abort?.();
    }
    this.#jobs.clear();
  }

  async #run(id: string, job: Job): Promise<void> {
    job.running = true;
    try {
      await this.#upload(id, job);
    } catch (e) {
      if (job.cancelled) return;
      const error = e instanceof UploadError ? e : undefined;
      const record = await (await this.deps.db()).get('uploads', id);
      if (!record) return;
      if (error?.final || isFinalSlotError(e)) {
        this.#jobs.delete(id);
        await this.#setStatus(record.conversation, id, 'failed', error ? error.toInfo() : { code: 'upload-refused', message: `The upload service refused the file: ${describe(e)}` });
        return;
      }
      // Like a message whose link dropped: back in the queue, and again after the backoff.
      await this.#setStatus(record.conversation, id, 'queued');
      if (!job.cancelled) job.wait.start(job.backoff.next(), () => this.start(id));
    } finally {
      job.running = false;
    }
  }

  async #upload(id: string, job: Job): Promise<void> {
    const db = await this.deps.db();
    let record = await db.get('uploads', id);
    if (!record) return void this.#jobs.delete(id);
    const message = await this.deps.history.get(record.conversation, id);
    if (!message) {
      await this.cancel(id);
      return;
    }
    // A refused upload waits for Retry (which moves it back to `queued`) or cancel.
    if (message.status !== 'queued' && message.status !== 'sending') return void this.#jobs.delete(id);
    await this.#setStatus(record.conversation, id, 'sending');
    const total = record.attachments.reduce((sum, a) => sum + a.size, 0);
    let done = record.attachments.reduce((sum, a) => sum + (a.url ? a.size : 0), 0);
    const progress = this.#progress(record.conversation, id, total);
    progress(done, true);
    for (const [i, attachment] of record.attachments.entries()) {
      if (attachment.url) continue;
      const file = record.files[i];
      if (!file) throw new UploadError('upload-refused', `File ${i + 1} of the message is missing from storage.`, true);
      const request = await this.#request(file, attachment.name, attachment.type);
      if (job.cancelled) return;
      const running = startUpload(request, (sent) => progress(done + sent));
      job.abort = running.abort;
      const url = await running.done;
      job.abort = undefined;
      if (job.cancelled) return;
      record = await this.#saveUrl(id, i, url);
      if (!record) return;
      done += attachment.size;
    }
    progress(total, true);
    const sent = await this.#finish(id);
    this.#jobs.delete(id);
    if (sent) this.deps.emit({ type: 'message', message: asMessage(sent) });
    this.deps.flush();
  }

  /** Where a file goes: a slot where the protocol offers them (XMPP: XEP-0363), else the configured upload URL. */
  async #request(file: Blob, name: string, type: string): Promise<UploadRequest> {
    if ((await this.deps.capabilities()).upload) {
      const slot = await this.deps.slot({ name, size: file.size, type });
      return { method: 'PUT', url: slot.put, get: slot.get, headers: slot.headers, file, type };
    }
    const { uploadUrl } = this.deps.config();
    if (uploadUrl) return { method: 'POST', url: uploadUrl, file, name };
    throw new UploadError('config', 'This chat has no upload-url, so files cannot be sent.', true);
  }

  /** Stores one file's URL at once, so that a restart does not upload it again. */
  async #saveUrl(id: string, index: number, url: string): Promise<UploadRecord | undefined> {
    const tx = (await this.deps.db()).transaction('uploads', 'readwrite');
    const record = await tx.store.get(id);
    if (record?.attachments[index]) {
      record.attachments[index] = { ...record.attachments[index], url };
      await tx.store.put(record);
    }
    await tx.done;
    return record;
  }

  /** Every file has its URL: the message gets them, and the Blobs go, in one transaction. */
  async #finish(id: string): Promise<ChatMessage | undefined> {
    const tx = (await this.deps.db()).transaction(['uploads', 'messages'], 'readwrite');
    const record = await tx.objectStore('uploads').get(id);
    let message: ChatMessage | undefined;
    if (record) {
      message = await tx.objectStore('messages').get([record.conversation, id]);
      if (message) {
        message = { ...message, attachments: record.attachments };
        await tx.objectStore('messages').put(message);
      }
      await tx.objectStore('uploads').delete(id);
    }
    await tx.done;
    return message;
  }

  #progress(conversation: string, id: string, total: number): (sent: number, now?: boolean) => void {
    let last = -Infinity;
    return (sent, now = false) => {
      const at = this.deps.timers.now();
      if (!now && at - last < PROGRESS_EVERY) return;
      last = at;
      this.deps.emit({ type: 'upload-progress', progress: { conversation, id, sent, total } });
    };
  }

  async #setStatus(conversation: string, id: string, to: MessageStatus, error?: ErrorInfo): Promise<void> {
    const changed = await this.deps.history.transition(conversation, id, sourcesOf(to), to, error);
    if (changed) this.deps.emit({ type: 'status', conversation, id, status: to, order: changed.order, error });
  }
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** An XMPP upload service's refusal (xmpp.js rejects with a StanzaError that names its condition). */
function isFinalSlotError(e: unknown): boolean {
  const condition = (e as { condition?: unknown } | undefined)?.condition;
  return typeof condition === 'string' && FINAL_SLOT_CONDITIONS.has(condition);
}
