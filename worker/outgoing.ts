import type { ChatMessage, EngineEvent, MeasuredMedia, SendOptions } from './api.ts';
import type { ConnectionEntry } from './connection-entry.ts';
import type { History } from './history.ts';
import { checkFiles, checkText, checkUploadUrl, ownMessage } from './own-message.ts';
import { earlierSend, queueOwn } from './own-send.ts';
import { describeFiles } from './uploads/lazy-uploader.ts';
import { withdraw } from './withdraw.ts';

/** An open conversation's connection, its stores and its room (Engine.#find). */
export type OpenConversation = Pick<ConnectionEntry, 'connection' | 'outbox' | 'uploader'> & { room: string };

/** What Outgoing needs of the engine. */
export interface OutgoingDeps {
  history: History;
  now(): number;
  /** The open conversation; throws `unknown-conversation` if it is not open. */
  find(conversation: string): OpenConversation;
  /** The engine's connections by key, and each conversation's connection key and room. */
  connections: ReadonlyMap<string, ConnectionEntry>;
  conversations: ReadonlyMap<string, { key: string; room: string }>;
  /** Tells the tabs of connection `key`. */
  emit(key: string, event: EngineEvent): void;
  /** Engine.setDraft: a sent text is no longer a draft. */
  setDraft(tabId: string | undefined, conversation: string, text: string): Promise<void>;
}

/** The engine's calls on the visitor's own messages: send, send with files, retry, cancel. */
export class Outgoing {
  constructor(readonly deps: OutgoingDeps) {}

  /** `tabId`: the tab that sent it, which clears its own composer; the others hear of the cleared draft. */
  async send(conversation: string, text: string, tabId?: string, options: SendOptions = {}): Promise<ChatMessage> {
    const { connection, outbox, room } = this.deps.find(conversation);
    checkText(text, connection.options);
    const earlier = await earlierSend(this.deps.history, conversation, options.id);
    if (earlier) return connection.delivery.asShown(earlier);
    const message = ownMessage(connection.config, conversation, room, text, this.deps.now(), undefined, options.id);
    await queueOwn(message, connection, outbox, (event) => this.deps.emit(connection.key, event));
    // Sent, so no longer a draft; a failure here must not fail a message that is queued.
    void this.deps.setDraft(tabId, conversation, '').catch(() => undefined);
    // As the tabs were told: `sending` if it went out at once. The answer reaches the tab after
    // the events, and a `queued` would look like a dropped link (worker/message-status.ts).
    return connection.delivery.asShown(message);
  }

  /**
   * A message with files: described here (worker/uploads/describe.ts), stored with its Blobs,
   * then uploaded by the connection's Uploader, which lets the outbox send it once every file
   * has a URL.
   */
  async sendFiles(conversation: string, files: Blob[], text = '', measured: (MeasuredMedia | undefined)[] = [], options: SendOptions = {}): Promise<ChatMessage> {
    const { connection, outbox, room, uploader } = this.deps.find(conversation);
    checkFiles(files, text, connection.options);
    const earlier = await earlierSend(this.deps.history, conversation, options.id);
    if (earlier) return connection.delivery.asShown(earlier);
    if (!(await connection.capabilities()).upload) checkUploadUrl(connection.config);
    const attachments = await Promise.all(files.map((file, i) => describeFiles(file, measured[i])));
    const message = ownMessage(connection.config, conversation, room, text, this.deps.now(), attachments, options.id);
    // Message, queue entry and Blobs in one transaction, before any byte goes out.
    await outbox.add(message, connection.key, { id: message.id, conversation, files, attachments });
    this.deps.emit(connection.key, { type: 'message', message });
    uploader.start(message.id);
    return message;
  }

  async retry(conversation: string, id: string): Promise<void> {
    const { connection, uploader } = this.deps.find(conversation);
    const queued = await connection.delivery.requeue(conversation, id);
    if (!queued) return;
    this.deps.emit(connection.key, { type: 'status', conversation, id, status: 'queued', order: queued.order });
    // A message whose files are not all uploaded starts with them; Delivery skips it till then.
    if (queued.attachments?.some((a) => !a.url)) uploader.start(id);
  }

  /** Withdraws an unsent message; throws `not-cancellable` if it is sent (worker/withdraw.ts). */
  async cancel(conversation: string, id: string): Promise<void> {
    const message = await this.deps.history.get(conversation, id);
    if (!message) return this.#cancelUnkept(conversation, id);
    if (!message.mine) return;
    const { connection, uploader } = this.deps.find(message.conversation);
    // No await since the read: the status read must still hold (an answer meanwhile would
    // have taken the message out of flight).
    await withdraw(message, connection.delivery, uploader, this.deps.history);
    this.deps.emit(connection.key, { type: 'removed', conversation: message.conversation, id });
  }

  /**
   * A message with no record may be one whose record could not be kept (a full disk), queued
   * in memory (Delivery.unkept): withdrawn there, in the same task as the read found no record.
   */
  #cancelUnkept(conversation: string, id: string): void {
    const key = this.deps.conversations.get(conversation)?.key;
    const connection = key === undefined ? undefined : this.deps.connections.get(key)?.connection;
    if (connection?.delivery.withdrawUnkept(id)) this.deps.emit(connection.key, { type: 'removed', conversation, id });
  }
}
