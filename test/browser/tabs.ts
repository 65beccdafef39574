import { executeServerCommand } from '@web/test-runner-commands';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { waitFor } from '../support/wait.ts';

// The one wait and sleep (test/support/wait.ts), here too since every browser test imports this
// file; `eventually` is the name some tests know it by (its probe may be async).
export { settled, sleep, waitFor, waitFor as eventually } from '../support/wait.ts';
export { FAST } from '../support/fast-options.ts';

/** Helpers for browser tests: same-origin iframes stand in for tabs (docs/platform.md). */

export interface Env {
  relayUrl: string;
  /** A relay that refuses any token but `guardedToken`. */
  guardedRelayUrl: string;
  guardedToken: string;
  /** A relay that takes 10 messages a second, after a burst of 5 (demo/relay-guards.ts). */
  limitedRelayUrl: string;
  /** The demo server's POST /upload (demo/upload.ts), which allows the test page's origin. */
  uploadUrl: string;
  /** The demo server's MQTT broker (aedes over WebSocket). */
  mqttUrl: string;
}

export const env = (): Promise<Env> => executeServerCommand('parley-env') as Promise<Env>;

export interface TabOptions {
  engine: string;
  user: string;
  server: string;
  room?: string;
  protocol?: string;
  password?: string;
  options?: object;
  /** Attributes of the element, as a page writes them: `{ mode: 'launcher', sound: '' }`. */
  attrs?: Record<string, string>;
}

export interface Tab {
  frame: HTMLIFrameElement;
  chat: ParleyChat;
  close(): void;
}

export async function openTab(o: TabOptions): Promise<Tab> {
  const frame = document.createElement('iframe');
  const query = new URLSearchParams({
    engine: o.engine,
    user: o.user,
    server: o.server,
    // A fresh room unless the test shares one on purpose: the relay outlives each test.
    room: o.room ?? uniqueName('room'),
    protocol: o.protocol ?? 'websocket',
    options: JSON.stringify(o.options ?? {}),
    ...(o.password === undefined ? {} : { password: o.password }),
    ...(o.attrs === undefined ? {} : { attrs: JSON.stringify(o.attrs) }),
  });
  frame.src = `/test/browser/fixtures/tab.html?${query}`;
  // Room for the whole 480 px widget: the list draws only the lines inside the viewport.
  Object.assign(frame.style, { width: '420px', height: '520px' });
  document.body.append(frame);
  await new Promise((loaded) => frame.addEventListener('load', loaded, { once: true }));
  const chat = await waitFor(() => {
    const el = frame.contentDocument?.querySelector('parley-chat');
    return el?.shadowRoot ? (el as ParleyChat) : undefined;
  });
  return { frame, chat, close: () => frame.remove() };
}

/**
 * The texts of the messages the list holds, in the order shown. The list is virtualised, so the
 * DOM has only the lines near the view; rendering itself is tested in message-list.test.ts.
 */
export const texts = (chat: ParleyChat): string[] => chat.messages.map((m) => m.text);

/** The statuses of own messages, in the order shown. */
export const statuses = (chat: ParleyChat): string[] =>
  chat.messages.flatMap((m) => (m.mine && m.status ? [m.status] : []));

/** The texts of the message lines in the DOM. */
export const shownTexts = (chat: ParleyChat): string[] =>
  [...chat.shadowRoot!.querySelectorAll('.message .text')].map((el) => el.textContent ?? '');

/** The link state as the visitor reads it: the banner's words while it shows, else the header's. */
export const stateText = (chat: ParleyChat): string =>
  (chat.shadowRoot!.querySelector('.banner-text') ?? chat.shadowRoot!.querySelector('.state-text'))?.textContent ?? '';

/** Resolves once the widget says Connected; fails after `timeout` ms. */
/** Connected, and the room joined: what is missed from here on is caught up after a drop. */
export const connected = (chat: ParleyChat, timeout = 15_000): Promise<true> =>
  waitFor(() => stateText(chat) === 'Connected' && chat.session.joined, timeout, 'Connected and the room joined');

/** Types into the widget and presses Send, as a visitor would. */
export async function type(chat: ParleyChat, text: string): Promise<void> {
  const box = chat.shadowRoot!.querySelector('textarea')!;
  box.value = text;
  chat.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
  await waitFor(() => box.value === '', 5_000, 'the text box to clear after sending');
}

export const uniqueName = (prefix: string): string => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export interface Proxy {
  id: number;
  url: string;
  mode(mode: 'forward' | 'blackhole' | 'refuse'): Promise<void>;
  accepted(): Promise<number>;
}

/** A TCP proxy in front of the relay, which the test can black-hole or cut. */
export async function startProxy(): Promise<Proxy> {
  const { id, url } = (await executeServerCommand('proxy-start')) as { id: number; url: string };
  return {
    id,
    url,
    mode: async (mode) => void (await executeServerCommand('proxy-mode', { id, mode })),
    accepted: async () => ((await executeServerCommand('proxy-stats', { id })) as { accepted: number }).accepted,
  };
}

/** Reloads the tab's page, as F5 does, and returns the new widget. */
export async function reloadTab(tab: Tab): Promise<Tab> {
  const loaded = new Promise((r) => tab.frame.addEventListener('load', r, { once: true }));
  tab.frame.contentWindow!.location.reload();
  await loaded;
  const chat = await waitFor(() => {
    const el = tab.frame.contentDocument?.querySelector('parley-chat');
    return el?.shadowRoot ? (el as ParleyChat) : undefined;
  });
  return { ...tab, chat };
}

/** Sends without waiting for the text box, to make a burst as fast as the engine takes it. */
export const sendNow = (chat: ParleyChat, text: string) => {
  const box = chat.shadowRoot!.querySelector('textarea')!;
  box.value = text;
  chat.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
};

/**
 * The list's virtualiser measures lines in a ResizeObserver callback and moves them, and Chromium
 * then reports "ResizeObserver loop completed with undelivered notifications": a notice that the
 * rest is delivered next frame (CSS Resize Observer §3.4.6), not an error of the widget. Mocha
 * fails a test on any window error, so a test that mounts the widget in its own page (not in an
 * iframe) lets this one notice through and every other error still fails it.
 */
export function tolerateResizeObserverNotice(): void {
  before(() => {
    const mochaHandler = window.onerror;
    window.onerror = (message, ...rest) =>
      String(message).includes('ResizeObserver loop completed with undelivered notifications') ? true : (mochaHandler?.call(window, message, ...rest) ?? false);
  });
}

/**
 * Scrolls the list as a reader's wheel does: the wheel event, then its default action. The
 * list tells the reader's moves from its own by such input (widget/message-list/reader-hands.ts).
 */
export function wheelTo(log: HTMLElement, top: number) {
  log.dispatchEvent(new WheelEvent('wheel', { deltaY: top - log.scrollTop, bubbles: true, composed: true }));
  log.scrollTop = top;
}

/** Waits until the list has stopped moving itself (following the bottom, keeping an anchor, measuring lines): the same scrollTop and scrollHeight for 10 polls. */
export async function steady(log: HTMLElement): Promise<void> {
  let last = '';
  let same = 0;
  await waitFor(() => {
    // Its height too: a line measured late grows the list without moving it.
    const now = `${log.scrollTop} ${log.scrollHeight}`;
    same = now === last ? same + 1 : 0;
    last = now;
    return same >= 10;
  }, 5_000, 'the list at rest');
}
