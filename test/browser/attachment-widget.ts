import type { Attachment, ChatMessage } from '../../worker/api.ts';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, stateText, uniqueName, waitFor } from './tabs.ts';

/**
 * The widget as the attachment tests drive it (attachments-display, attachments-compose and
 * attachments-offline .test.ts): mount a connected <parley-chat>, hand it received messages,
 * pick files, and read its shadow DOM.
 */

export const root = (chat: ParleyChat) => chat.shadowRoot!;
export const $ = <T extends Element = HTMLElement>(chat: ParleyChat, selector: string) => root(chat).querySelector<T>(selector);
export const $$ = <T extends Element = HTMLElement>(chat: ParleyChat, selector: string) => [...root(chat).querySelectorAll<T>(selector)];
export const fixture = (name: string) => new URL(`/test/browser/fixtures/${name}`, location.href).href;
/** A 4×3 PNG, as the engine's preview of an image would be. */
export const PREVIEW =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAHElEQVR4nGNgYPj/n4Hh/38GBob/DAwMDAwMAHxsB/nW3mW5AAAAAElFTkSuQmCC';

export async function mount(attrs: Record<string, string> = {}): Promise<ParleyChat> {
  const { relayUrl } = await env();
  const chat = document.createElement('parley-chat');
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  Object.assign(chat, { engine: uniqueName('files'), server: relayUrl, room: uniqueName('room'), user: 'Ann' });
  chat.style.setProperty('--parley-height', '640px');
  chat.style.width = '420px';
  document.body.append(chat);
  if (chat.mode === 'launcher') chat.open();
  await waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');
  return chat;
}

let count = 0;
export function received(chat: ParleyChat, attachments: Attachment[], over: Partial<ChatMessage> = {}): ChatMessage {
  const message: ChatMessage = {
    id: `m-${++count}`,
    conversation: chat.conversation!,
    room: chat.room,
    from: 'Bob',
    text: '',
    attachments,
    ts: Date.now(),
    order: count,
    mine: false,
    ...over,
  };
  chat.session.merge([message]);
  return message;
}

/** Picks files with the paperclip's file input, as the browser's picker would hand them over. */
export function pick(chat: ParleyChat, files: File[]): void {
  const input = $<HTMLInputElement>(chat, 'input.picker')!;
  const list = new DataTransfer();
  files.forEach((f) => list.items.add(f));
  input.files = list.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

export const trayNames = (chat: ParleyChat) => $$(chat, '.tray-name').map((n) => n.textContent);
export const alertText = (chat: ParleyChat) => $(chat, '.error[role=alert]')?.textContent ?? '';
