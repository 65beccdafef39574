import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, shownTexts, stateText, type, uniqueName, waitFor } from './tabs.ts';

const root = (chat: ParleyChat) => chat.shadowRoot!;
const connected = (chat: ParleyChat) => waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');

/** A task later: a timer would wait a second in a page in the background. */
const task = () =>
  new Promise<void>((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done();
    channel.port2.postMessage(undefined);
  });

/**
 * Resolves once `chat` holds a message with `text`, whether or not its line is drawn. Watches
 * the element's DOM rather than polling: timers of a page in the background are slowed down.
 */
function reached(chat: ParleyChat, text: string, timeout = 10_000): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => (watch.disconnect(), fail(new Error(`Timed out after ${timeout} ms waiting for "${text}" to reach the list`))), timeout);
    const check = () => chat.messages.some((m) => m.text === text) && (watch.disconnect(), clearTimeout(timer), done());
    const watch = new MutationObserver(check);
    watch.observe(root(chat), { childList: true, subtree: true, characterData: true, attributes: true });
    check();
  });
}

describe('message list in a tab that draws no frames', () => {
  it('keeps following messages that arrive one at a time, with no pill, and shows the next one at the bottom', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const tab = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    Object.assign(tab.frame.style, { width: '420px', height: '620px' });
    tab.frame.contentDocument!.querySelector('parley-chat')!.style.setProperty('--parley-height', '600px');
    await connected(tab.chat);
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await connected(bob.chat);
    const log = root(tab.chat).querySelector<HTMLElement>('.log')!;
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 2;
    for (let i = 1; i <= 20; i++) await bob.chat.send(`before ${i}`);
    await waitFor(() => shownTexts(tab.chat).includes('before 20') && atBottom(), 5_000, '"before 20" at the bottom');

    // A pill at any moment means the list judged the reader to be above the bottom.
    let pills = 0;
    const watch = new MutationObserver(() => void (root(tab.chat).querySelector('.new-pill') && pills++));
    watch.observe(root(tab.chat), { childList: true, subtree: true });
    // Another window in front: in headless Chromium this page (and the list's frame) is hidden
    // and draws no frames, as a tab in the background. Firefox may keep drawing it, and then
    // this is an ordinary stream.
    const front = window.open('about:blank', '_blank');
    try {
      // One at a time, each sent once the one before reached the list (bench item 3).
      for (let i = 1; i <= 60; i++) {
        const text = `behind ${i}`;
        const arrived = reached(tab.chat, text);
        void bob.chat.send(text);
        await arrived;
        await task();
      }
    } finally {
      front?.close();
    }
    await waitFor(() => document.visibilityState === 'visible', 5_000, 'the page in front again');
    expect(pills, 'times the "new messages" pill showed while the tab was behind').to.equal(0);

    // Still following: the next message is shown at the bottom.
    await type(bob.chat, 'back');
    const newest = () => root(tab.chat).querySelector<HTMLElement>(`[data-id="${tab.chat.messages.at(-1)?.id}"]`);
    await waitFor(
      () => shownTexts(tab.chat).at(-1) === 'back' && atBottom() && newest()!.getBoundingClientRect().bottom <= log.getBoundingClientRect().bottom + 1,
      5_000,
      '"back" in view at the bottom',
    );
    watch.disconnect();
    expect(pills, 'times the "new messages" pill showed').to.equal(0);
    tab.close();
    bob.close();
  });
});
