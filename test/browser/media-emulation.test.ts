import { expect } from '@esm-bundle/chai';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

/**
 * What the widget does with the visitor's system settings, prefers-color-scheme and
 * prefers-reduced-motion. Emulating them needs the DevTools protocol, so this file runs in
 * Chromium only (test/support/browsers.ts, CHROMIUM_ONLY).
 */
const root = (chat: ParleyChat) => chat.shadowRoot!;

async function mount(attrs: Record<string, string>): Promise<ParleyChat> {
  const { relayUrl } = await env();
  const chat = document.createElement('parley-chat');
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  Object.assign(chat, { engine: uniqueName('media'), server: relayUrl, room: uniqueName('room'), user: 'Ann' });
  document.body.append(chat);
  await waitFor(() => chat.conversation && chat.shadowRoot?.querySelector(attrs.mode === 'launcher' ? '.launcher' : '.panel'), 10_000, 'the widget');
  return chat;
}

describe('system settings (media emulation)', () => {
  tolerateResizeObserverNotice();
  afterEach(async () => {
    document.querySelectorAll('parley-chat').forEach((c) => c.remove());
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

  it('follows the system with theme="auto"', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const chat = await mount({ theme: 'auto' });
    const background = () => getComputedStyle(root(chat).querySelector('.panel')!).backgroundColor;
    expect(background()).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    expect(background()).to.equal('rgb(17, 24, 39)');
  });

  it('opens the panel without sliding it in when the visitor prefers reduced motion', async () => {
    await setViewport({ width: 375, height: 740 });
    await emulateMedia({ reducedMotion: 'reduce' });
    const chat = await mount({ mode: 'launcher' });
    chat.open();
    const panel = await waitFor(() => root(chat).querySelector<HTMLElement>('.panel'), 2_000, 'the panel');
    expect(panel.getAnimations().length).to.equal(0);
  });
});
