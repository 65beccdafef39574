import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { watchRelay } from './relay-watcher.ts';
import { connected, env, openTab, shownTexts, uniqueName, waitFor } from './tabs.ts';

const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
};

/**
 * A tab in the background draws no frames, so the virtualiser measures no line and corrects the
 * list by whole estimates as it grows. Those moves up once looked like the reader's: the list
 * stopped following and counted "new messages", and a visitor coming back at such a moment found
 * it stopped part-way up. window.open hides this page in headless Chromium (not in Firefox, where
 * the opener stays visible), hence Chromium only (test/support/browsers.ts).
 */
describe('a list in a background tab', () => {
  for (const gap of [0, 3])
    it(`keeps following a stream of messages (${gap} ms apart) while the tab is hidden`, async () => {
      const { relayUrl } = await env();
      const room = uniqueName('hidden');
      const tab = await openTab({ engine: uniqueName('hidden'), user: 'Ann', server: relayUrl, room });
      Object.assign(tab.frame.style, { width: '420px', height: '620px' });
      const chat: ParleyChat = tab.chat;
      const log = () => chat.shadowRoot!.querySelector<HTMLElement>('.log')!;
      const pill = () => chat.shadowRoot!.querySelector('.new-pill');
      await connected(chat);
      const bob = await watchRelay(relayUrl, room, 'Bob');
      for (let i = 0; i < 30; i++) bob.send(`m ${i}`);
      await waitFor(() => shownTexts(chat).includes('m 29'), 10_000, 'the first 30 drawn');
      await frames(3);

      const popup = window.open('about:blank', '_blank');
      await waitFor(() => document.visibilityState === 'hidden', 5_000, 'this page hidden behind the popup');
      const pills: string[] = [];
      for (let i = 30; i < 230; i++) {
        bob.send(`m ${i}`);
        await new Promise((r) => setTimeout(r, gap));
        if (pill()) pills.push(`after m ${i}: ${pill()!.textContent!.trim()} at ${log().scrollTop} of ${log().scrollHeight} px`);
      }
      await waitFor(() => chat.messages.some((m) => m.text === 'm 229'), 10_000, 'all 230 in the list');
      popup!.close();
      await waitFor(() => document.visibilityState === 'visible', 5_000, 'this page shown again');

      expect(pills, 'a "new messages" pill while hidden').to.deep.equal([]);
      await waitFor(() => log().scrollHeight - log().scrollTop - log().clientHeight < 32, 5_000, 'the list at the bottom on return');
      await waitFor(() => shownTexts(chat).includes('m 229'), 5_000, 'the newest line drawn on return');
      expect(pill(), 'a "new messages" pill on return').to.equal(null);
      bob.close();
      tab.close();
    });
});
