import { expect } from '@esm-bundle/chai';
import { setViewport } from '@web/test-runner-commands';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, reloadTab, texts, type, uniqueName, waitFor, type Tab } from './tabs.ts';

/**
 * Issue 9's drafts: the composer's unsent text lives in the engine's IndexedDB (worker/drafts.ts),
 * so a reload keeps it and the other tabs of the browser show it; sending clears it everywhere.
 */
const box = (chat: ParleyChat) => chat.shadowRoot!.querySelector('textarea')!;

/** Types as a visitor does: the text changes and the box hears `input`. */
function typeWithoutSending(chat: ParleyChat, text: string): void {
  box(chat).value = text;
  box(chat).dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

describe('drafts', () => {
  before(() => setViewport({ width: 1300, height: 1000 }));
  after(() => setViewport({ width: 800, height: 600 }));
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  it('shows a draft in the other tab, keeps it across a reload, and clears it everywhere on send', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const engine = uniqueName('drafts');
    const first = await openTab({ engine, user: 'Dee', server: relayUrl, room });
    const second = await openTab({ engine, user: 'Dee', server: relayUrl, room });
    tabs.push(first, second);
    await waitFor(() => first.chat.conversation && second.chat.conversation, 10_000, 'both tabs attached');

    typeWithoutSending(first.chat, 'half a <b>thought</b>');
    await waitFor(() => box(second.chat).value === 'half a <b>thought</b>', 5_000, 'the draft in the other tab');
    // Text, never markup: the box holds the characters as typed.
    expect(second.chat.shadowRoot!.querySelector('textarea b')).to.equal(null);
    // Not kept in the page's storage any more: only the engine has it.
    expect(Object.keys(first.frame.contentWindow!.localStorage).filter((k) => k.startsWith('parley-draft'))).to.deep.equal([]);

    const reloaded = await reloadTab(first);
    tabs.push(reloaded);
    await waitFor(() => box(reloaded.chat)?.value === 'half a <b>thought</b>', 10_000, 'the draft after a reload');

    typeWithoutSending(reloaded.chat, 'the whole thought');
    await waitFor(() => box(second.chat).value === 'the whole thought', 5_000, 'the longer draft in the other tab');
    await type(reloaded.chat, 'the whole thought');
    await waitFor(() => box(second.chat).value === '', 5_000, 'the draft cleared in the other tab');
    await waitFor(() => texts(second.chat).includes('the whole thought'), 5_000, 'the message itself');
    expect(await second.chat.session.draft()).to.equal('');

    // Nothing brings the sent text back: a reload shows an empty box.
    const again = await reloadTab(second);
    tabs.push(again);
    await waitFor(() => again.chat.conversation, 10_000, 'attached again');
    await again.chat.updateComplete;
    expect(await again.chat.session.draft()).to.equal('');
    expect(box(again.chat).value).to.equal('');
  });

  it("leaves alone the box the visitor is typing in, and refuses a draft that is not text with a reason", async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const engine = uniqueName('drafts');
    const first = await openTab({ engine, user: 'Dee', server: relayUrl, room });
    const second = await openTab({ engine, user: 'Dee', server: relayUrl, room });
    tabs.push(first, second);
    await waitFor(() => first.chat.conversation && second.chat.conversation, 10_000, 'both tabs attached');

    // The visitor is typing in the second tab: its box has the focus.
    second.frame.focus();
    box(second.chat).focus();
    typeWithoutSending(second.chat, 'mine, here');
    await waitFor(async () => (await first.chat.session.draft()) === 'mine, here', 5_000, 'the second tab saved');
    await waitFor(() => box(first.chat).value === 'mine, here', 5_000, 'shown in the first tab');
    typeWithoutSending(first.chat, 'from the first tab');
    await waitFor(async () => (await second.chat.session.draft()) === 'from the first tab', 5_000, 'the first tab saved');
    expect(box(second.chat).value, 'the box being typed in is left alone').to.equal('mine, here');

    const refused = await second.chat.session.setDraft(42 as unknown as string)!.then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(refused).to.equal('A draft must be text.');
  });
});
