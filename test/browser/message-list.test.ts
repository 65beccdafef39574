import { expect } from '@esm-bundle/chai';
import type { ChatMessage } from '../../worker/api.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { fillHistory } from './fill-history.ts';
import { mosquittoPub, mqttTab, roomTopic } from './mqtt-env.ts';
import { env, openTab, reloadTab, shownTexts, stateText, type Tab, type, steady, uniqueName, waitFor, wheelTo } from './tabs.ts';

const connected = (chat: ParleyChat) => waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');
const root = (chat: ParleyChat) => chat.shadowRoot!;
const lines = (chat: ParleyChat) => [...root(chat).querySelectorAll<HTMLElement>('.message')];

/** A tab the size of a desktop panel, so that the list shows a screenful. */
async function bigTab(o: Parameters<typeof openTab>[0]): Promise<Tab> {
  const tab = await openTab(o);
  Object.assign(tab.frame.style, { width: '420px', height: '620px' });
  tab.frame.contentDocument!.querySelector('parley-chat')!.style.setProperty('--parley-height', '600px');
  return tab;
}

const peerMessage = (chat: ParleyChat, over: Partial<ChatMessage> & Record<string, unknown>): ChatMessage =>
  ({ id: crypto.randomUUID(), conversation: chat.conversation!, room: 'r', from: 'Bob', text: 'hi', ts: Date.now(), mine: false, ...over }) as ChatMessage;

describe('message list', () => {
  it('shows a message it cannot render as "unreadable message", and renders the others', async () => {
    const { relayUrl } = await env();
    const tab = await bigTab({ engine: uniqueName('hostile'), user: 'Ann', server: relayUrl });
    await connected(tab.chat);
    // Fed straight into the list, as a stored or relayed record with fields of the wrong type would be.
    tab.chat.session.merge([
      peerMessage(tab.chat, { text: 'before', ts: Date.now() - 5000 }),
      peerMessage(tab.chat, { text: 'boom', ts: 1e20 }),
      peerMessage(tab.chat, { text: 'bogus', ts: 'bogus' as unknown as number }),
      peerMessage(tab.chat, { text: undefined }),
      peerMessage(tab.chat, { from: 42 as unknown as string }),
    ]);
    await waitFor(() => lines(tab.chat).length === 5, 5_000, 'five lines');
    const unreadable = root(tab.chat).querySelectorAll('.message.unreadable');
    expect(unreadable.length).to.equal(4);
    expect(unreadable[0]!.textContent!.trim()).to.equal('Unreadable message');
    expect(shownTexts(tab.chat)).to.deep.equal(['before']);
    // The list still works: a message sent now shows up.
    await type(tab.chat, 'after');
    await waitFor(() => shownTexts(tab.chat).includes('after'), 5_000, 'the next message rendered');
    tab.close();
  });

  it('keeps showing messages after an MQTT peer publishes a time no Date can hold, also after a reload', async () => {
    const room = uniqueName('room');
    let cy = await mqttTab('aedes', 'Cy', room);
    Object.assign(cy.frame.style, { width: '420px', height: '620px' });
    const errors: string[] = [];
    cy.chat.addEventListener('parley-error', (e) => errors.push(e.detail.error.code));
    await mosquittoPub('aedes', roomTopic(room), [JSON.stringify({ id: 'm2', from: 'mallory', text: 'boom', ts: 1e20 }), '{"id":"x","text":42}', 'after the poison']);
    await waitFor(() => shownTexts(cy.chat).includes('after the poison'), 10_000, 'the message after the poisoned one');
    // The payload the engine could not use is reported as a parley-error event with its code.
    await waitFor(() => errors.includes('bad-message'), 5_000, 'the parley-error event');
    expect(lines(cy.chat).length).to.equal(2);
    // The poisoned message is stored: the list must still render after a reload.
    cy = await reloadTab(cy);
    await waitFor(() => shownTexts(cy.chat).includes('after the poison') && lines(cy.chat).length === 2, 10_000, 'both lines after the reload');
    cy.close();
  });

  it('makes http, https and mailto links clickable, keeps newlines, and interprets no HTML', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('links');
    const a = await bigTab({ engine: uniqueName('links-a'), user: 'Ann', server: relayUrl, room });
    const b = await bigTab({ engine: uniqueName('links-b'), user: 'Bob', server: relayUrl, room });
    await connected(a.chat);
    const text = 'See https://example.com/a?b=1&c=2, or mailto:help@example.com.\nNot javascript:alert(1) nor <a href="http://x">x</a>';
    await type(a.chat, text);
    await waitFor(() => shownTexts(b.chat).includes(text), 5_000, 'the message at Bob');
    const links = [...root(b.chat).querySelectorAll<HTMLAnchorElement>('.message .text a')];
    expect(links.map((l) => l.getAttribute('href'))).to.deep.equal(['https://example.com/a?b=1&c=2', 'mailto:help@example.com', 'http://x/']);
    expect(links.map((l) => l.textContent)).to.deep.equal(['https://example.com/a?b=1&c=2', 'mailto:help@example.com', 'http://x']);
    for (const l of links) expect([l.target, l.rel]).to.deep.equal(['_blank', 'noopener noreferrer']);
    const shown = root(b.chat).querySelector<HTMLElement>('.message .text')!;
    // The newline is kept and shown as a line break (white-space: pre-wrap).
    expect(shown.textContent).to.contain('\nNot javascript');
    expect(getComputedStyle(shown).whiteSpace).to.equal('pre-wrap');
    a.close();
    b.close();
  });

  it('separates days, groups a sender\'s messages, and gives each its full date', async () => {
    const { relayUrl } = await env();
    const tab = await bigTab({ engine: uniqueName('days'), user: 'Ann', server: relayUrl });
    await connected(tab.chat);
    const now = new Date();
    const at = (daysAgo: number, h: number, m = 0) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, h, m).getTime();
    const long = at(3, 10);
    tab.chat.session.merge([
      peerMessage(tab.chat, { text: 'a', ts: long }),
      peerMessage(tab.chat, { text: 'b', ts: at(1, 9) }),
      peerMessage(tab.chat, { text: 'c', ts: at(1, 9, 1) }),
      peerMessage(tab.chat, { text: 'd', ts: at(1, 9, 2), from: 'Cy' }),
      peerMessage(tab.chat, { text: 'e', ts: Math.min(Date.now(), at(0, 0, 1)) }),
    ]);
    await waitFor(() => lines(tab.chat).length === 5, 5_000, 'five lines');
    const days = [...root(tab.chat).querySelectorAll('.day')].map((d) => d.textContent!.trim());
    expect(days).to.deep.equal([new Intl.DateTimeFormat('en', { weekday: 'long', day: 'numeric', month: 'long' }).format(long), 'Yesterday', 'Today'].filter((d, i) => i !== 0 || new Date(long).getFullYear() === now.getFullYear()));
    // b and c are one group: c's sender name is for screen readers only.
    const visibleFrom = lines(tab.chat).map((l) => l.querySelector('.from')!.classList.contains('sr-only') ? '' : l.querySelector('.from')!.textContent);
    expect(visibleFrom).to.deep.equal(['Bob', 'Bob', '', 'Cy', 'Bob']);
    const time = lines(tab.chat)[0]!.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal(new Date(long).toISOString());
    expect(time.title).to.equal(new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'medium' }).format(long));
    tab.close();
  });

  it('paints the last 50 of 100 000 stored messages with fewer than 300 message nodes', async function () {
    this.timeout(120_000);
    const { relayUrl } = await env();
    const engine = uniqueName('huge');
    const room = uniqueName('room');
    const first = await bigTab({ engine, user: 'Ann', server: relayUrl, room });
    await connected(first.chat);
    const conversation = first.chat.conversation!;
    first.close();
    const stored = await fillHistory(engine, conversation, 100_000);
    const started = performance.now();
    const tab = await bigTab({ engine, user: 'Ann', server: relayUrl, room });
    await waitFor(() => shownTexts(tab.chat).includes('history 99999'), 10_000, 'the newest message painted');
    const painted = performance.now() - started;
    expect(tab.chat.messages.length).to.equal(50);
    expect(tab.chat.messages.map((m) => m.id)).to.deep.equal(stored.slice(-50).map((m) => m.id));
    expect(lines(tab.chat).length).to.be.within(5, 299);
    // Older pages, five times, by scrolling to the top: the DOM does not grow with them.
    const log = root(tab.chat).querySelector<HTMLElement>('.log')!;
    await waitFor(() => log.scrollTop > 0 && log.scrollHeight - log.scrollTop - log.clientHeight < 2, 5_000, 'the list at the bottom');
    for (let page = 2; page <= 6; page++) {
      await waitFor(() => log.scrollTop > 1000, 5_000, 'the place kept below the new page');
      await steady(log);
      wheelTo(log, 0);
      await waitFor(() => tab.chat.messages.length === page * 50, 10_000, `page ${page}`);
    }
    expect(lines(tab.chat).length).to.be.within(5, 299);
    console.log(`100 000 stored: newest painted ${Math.round(painted)} ms after the tab opened; ${lines(tab.chat).length} lines in the DOM for ${tab.chat.messages.length} loaded`);
    tab.close();
  });

  it('keeps the line the reader looks at in place when older messages load above it', async () => {
    const { relayUrl } = await env();
    const { tab } = await storedTab(relayUrl, 300);
    const log = root(tab.chat).querySelector<HTMLElement>('.log')!;
    await waitFor(() => log.scrollTop > 0 && log.scrollHeight - log.scrollTop - log.clientHeight < 2, 5_000, 'the list at the bottom').catch((e) => {
      throw new Error(`${e.message}: scrollTop ${log.scrollTop}, scrollHeight ${log.scrollHeight}, clientHeight ${log.clientHeight}`);
    });
    await steady(log);
    // Near the top, but not near enough to load: note a line in view.
    wheelTo(log, 400);
    const anchor = await waitFor(() => lineAt(tab.chat, 0), 5_000, 'a line in view');
    // 300 px further up, within reach of the top: older messages load. The line moved down 300 px.
    wheelTo(log, 100);
    const before = { id: anchor.id, top: anchor.top + 300, scrollTop: log.scrollTop };
    await waitFor(() => tab.chat.messages.length === 100, 10_000, 'the older page');
    await waitFor(() => log.scrollTop > 1000, 5_000, 'the list scrolled down by the height of the new lines');
    const lineTop = () => root(tab.chat).querySelector(`[data-id="${before.id}"]`)?.getBoundingClientRect().top;
    await waitFor(() => Math.abs((lineTop() ?? Infinity) - before.top) < 2, 5_000, `line ${before.id} back at ${before.top}px`).catch((e) => {
      throw new Error(`${e.message}; it is at ${lineTop()}px, scrollTop ${log.scrollTop} (was ${before.scrollTop})`);
    });
    expect(log.scrollTop).to.be.greaterThan(before.scrollTop + 1000);
    tab.close();
  });

  it('keeps following a fast stream of messages at the bottom, with no pill', async () => {
    const { tab, bob, log, atBottom } = await atBottomWithPeer();
    // A pill at any moment means the list judged the reader to be above the bottom.
    let pills = 0;
    const watch = new MutationObserver(() => void (root(tab.chat).querySelector('.new-pill') && pills++));
    watch.observe(root(tab.chat), { childList: true, subtree: true });
    const texts = Array.from({ length: 150 }, (_, i) => `fast ${i + 1}`);
    for (const text of texts) {
      void bob.chat.send(text);
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    }
    await waitFor(() => shownTexts(tab.chat).includes('fast 150') && atBottom(), 15_000, 'the last one shown at the bottom');
    watch.disconnect();
    expect(pills, 'times the "new messages" pill showed').to.equal(0);
    tab.close();
    bob.close();
  });

  it('follows new messages at the bottom; above it, counts them in a pill and stays put', async () => {
    const { tab, bob, log, atBottom } = await atBottomWithPeer();
    await type(bob.chat, 'one');
    await waitFor(() => shownTexts(tab.chat).includes('one') && atBottom(), 5_000, '"one" shown at the bottom');
    // Without input, only a move over an unchanged height counts as the reader's
    // (widget/message-list/reader-hands.ts): let the list finish measuring "one" first, as it has
    // long before a reader's find in page. Firefox under load measured it again after the move.
    await steady(log);

    // Moved without a wheel or a key, as find in page or a screen reader moves it.
    log.scrollTop = 600;
    await waitFor(() => !atBottom(), 2_000, 'scrolled up');
    // The lines now in view are measured in the next frames, and the list keeps them in place:
    // the new message comes after that.
    await steady(log);
    const scrollTop = log.scrollTop;
    await type(bob.chat, 'two');
    const pill = await waitFor(() => root(tab.chat).querySelector<HTMLButtonElement>('.new-pill'), 5_000, 'the pill');
    expect(pill.textContent!.trim()).to.equal('↓ 1 new message');
    expect(log.scrollTop, 'the reader was not moved').to.equal(scrollTop);
    pill.click();
    await waitFor(() => atBottom() && shownTexts(tab.chat).includes('two'), 5_000, 'at the bottom, "two" in view');
    await waitFor(() => !root(tab.chat).querySelector('.new-pill'), 2_000, 'the pill gone');
    tab.close();
    bob.close();
  });

  it('leaves a reader who scrolls up while the list follows a new message where they went', async () => {
    const { tab, bob, log, atBottom } = await atBottomWithPeer();
    await steady(log);
    // The moment the new line is in the DOM, the list is still moving to it (it waits for the
    // virtualiser's layout, a frame or more): the reader scrolls up then.
    let top = -1;
    const watch = new MutationObserver(() => {
      if (top >= 0 || !shownTexts(tab.chat).includes('mid-follow')) return;
      wheelTo(log, log.scrollTop - 1_500);
      top = log.scrollTop;
    });
    watch.observe(root(tab.chat), { childList: true, subtree: true });
    tab.chat.session.merge([peerMessage(tab.chat, { text: 'mid-follow' })]);
    await waitFor(() => top >= 0, 5_000, 'the new line drawn');
    watch.disconnect();
    await steady(log);
    expect(atBottom(), `pulled back to the bottom from ${top}`).to.equal(false);
    tab.chat.session.merge([peerMessage(tab.chat, { text: 'after' })]);
    await waitFor(() => root(tab.chat).querySelector('.new-pill'), 5_000, 'the pill');
    tab.close();
    bob.close();
  });

  it('leaves the reader where they scrolled to when a message arrives before the list saw the scroll', async () => {
    const { tab, bob, log } = await atBottomWithPeer();
    await steady(log);
    // Up by more than a screen and the 1 000 px the list draws ahead, but not so far that no line
    // drawn for the bottom is near: the flow layout then looked for its anchor from the line
    // that was first in view before the move, and scrolled the list back down to it.
    wheelTo(log, log.scrollTop - log.clientHeight - 1_300);
    const top = log.scrollTop;
    // In the same task, so the list lays the new line out before the scroll event (next frame).
    tab.chat.session.merge([peerMessage(tab.chat, { text: 'meanwhile' })]);
    const pill = await waitFor(() => root(tab.chat).querySelector<HTMLButtonElement>('.new-pill'), 5_000, 'the pill');
    await steady(log);
    expect(pill.textContent!.trim()).to.equal('↓ 1 new message');
    // The lines that came into view are measured, and the list may move by what their estimated
    // heights were off, not by a screen.
    expect(Math.abs(log.scrollTop - top), `moved from ${top} to ${log.scrollTop}`).to.be.below(100);
    tab.close();
    bob.close();
  });
});

/** A tab with 60 stored messages, its list at the bottom, and Bob in its room. */
async function atBottomWithPeer() {
  const { relayUrl } = await env();
  const { tab, room } = await storedTab(relayUrl, 60);
  const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
  await connected(bob.chat);
  const log = root(tab.chat).querySelector<HTMLElement>('.log')!;
  const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 2;
  await waitFor(atBottom, 5_000, 'the list at the bottom');
  return { tab, bob, log, atBottom };
}

/** A tab whose engine already stores `count` messages from peers in a fresh room. */
async function storedTab(relayUrl: string, count: number) {
  const engine = uniqueName('stored');
  const room = uniqueName('room');
  const first = await openTab({ engine, user: 'Ann', server: relayUrl, room });
  await connected(first.chat);
  const conversation = first.chat.conversation!;
  first.close();
  await fillHistory(engine, conversation, count);
  const tab = await bigTab({ engine, user: 'Ann', server: relayUrl, room });
  await waitFor(() => tab.chat.messages.length === Math.min(count, 50), 10_000, 'the first page');
  await connected(tab.chat);
  return { tab, room };
}

/** The message line whose top is nearest below `y` px from the list's top, and that top (px, in the viewport). */
function lineAt(chat: ParleyChat, y: number): { id: string; top: number } | undefined {
  const log = root(chat).querySelector<HTMLElement>('.log')!;
  const top = log.getBoundingClientRect().top + y;
  const bottom = log.getBoundingClientRect().bottom;
  const found = lines(chat)
    .map((l) => ({ id: l.dataset.id!, top: l.getBoundingClientRect().top }))
    .filter((l) => l.top >= top && l.top < bottom - 60)
    .sort((a, b) => a.top - b.top);
  return found[0];
}
