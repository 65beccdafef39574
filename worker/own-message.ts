/**
 * The visitor's own messages: checks what a tab hands to `send()` and `sendFiles()`, each with
 * a specific readable error, and makes the queued ChatMessage the outbox stores.
 */

import type { Attachment, ChatMessage, ConnectionConfig, EngineOptions } from './api.ts';
import { ValidationError } from './errors.ts';
import { pendingOrder } from './order.ts';
import { ATTACHMENT_LIMITS, httpUrl } from './transports/attachments.ts';

/** The text of a message without files. */
export function checkText(text: string, { maxTextLength }: EngineOptions): void {
  if (!text.trim()) throw new ValidationError('empty', 'Type a message first.');
  if (text.length > maxTextLength)
    throw new ValidationError('too-long', `Messages can be at most ${maxTextLength} characters; this one has ${text.length}.`);
}

/** The files of a message, and its optional text. */
export function checkFiles(files: Blob[], text: string, { maxTextLength, maxFileSize }: EngineOptions): void {
  if (!Array.isArray(files) || files.length === 0) throw new ValidationError('empty', 'Choose a file first.');
  if (files.length > ATTACHMENT_LIMITS.count)
    throw new ValidationError('too-large', `A message can carry at most ${ATTACHMENT_LIMITS.count} files; this one has ${files.length}.`);
  if (typeof text !== 'string') throw new ValidationError('empty', 'The text of a message with files must be a string.');
  if (text.length > maxTextLength)
    throw new ValidationError('too-long', `Messages can be at most ${maxTextLength} characters; this one has ${text.length}.`);
  for (const file of files) {
    if (!(file instanceof Blob)) throw new ValidationError('empty', 'Each file must be a File or Blob.');
    const name = file instanceof File ? `"${file.name}"` : 'A file';
    if (file.size === 0) throw new ValidationError('empty', `${name} is empty.`);
    if (file.size > maxFileSize)
      throw new ValidationError('too-large', `${name} has ${file.size} bytes; files can be at most ${maxFileSize} bytes (${(maxFileSize / 1048576).toFixed(1)} MB).`);
  }
}

/** An id the caller picked for a new message (SendOptions.id): it goes on the wire as it is. */
export function checkId(id: unknown): void {
  if (id === undefined) return;
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(id))
    throw new ValidationError('bad-id', 'A message id must be 1 to 100 visible ASCII characters, such as crypto.randomUUID() makes.');
}

/** Where the protocol offers no upload slots, the config must name an http(s) upload URL. */
export function checkUploadUrl({ uploadUrl }: ConnectionConfig): void {
  if (!uploadUrl) throw new ValidationError('config', 'This chat has no upload-url, so files cannot be sent.');
  if (!httpUrl(uploadUrl)) throw new ValidationError('config', `The upload-url "${uploadUrl.slice(0, 200)}" is not an http(s) URL.`);
}

/** A new own message, queued, after every confirmed one until the server places it (worker/order.ts). */
export function ownMessage(
  config: ConnectionConfig,
  conversation: string,
  room: string,
  text: string,
  ts: number,
  attachments?: Attachment[],
  id: string = crypto.randomUUID(),
): ChatMessage {
  const { user: from, name } = config;
  return { id, conversation, room, from, name, text, ...(attachments ? { attachments } : {}), ts, order: pendingOrder(ts), status: 'queued', mine: true };
}
