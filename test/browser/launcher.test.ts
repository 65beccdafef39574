import { expect } from '@esm-bundle/chai';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, shownTexts, stateText, steady, texts, type, tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

const root = (chat: ParleyChat) => chat.shadowRoot!;
const launcher = (chat: ParleyChat) => root(chat).querySelector<HTMLButtonElement>('.launcher')!;
const focused = (chat: ParleyChat) => root(chat).activeElement;
/** The panel is on screen: closed, it is either not drawn or drawn hidden (parked, ready to open). */
const panelShown = (chat: ParleyChat) => {
  const panel = root(chat).querySelector('.panel');
  return !!panel && getComputedStyle(panel).visibility === 'visible';
};

/** A launcher-mode widget on this page, as the script tag will make it; `appended` runs as it enters the page. */
async function mount(room: string, attrs: Record<string, string> = {}, appended?: (chat: ParleyChat) => void): Promise<ParleyChat> {
  const { relayUrl } = await env();
  const chat = document.createElement('parley-chat');
  chat.setAttribute('mode', 'launcher');
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  Object.assign(chat, { engine: uniqueName('launcher'), server: relayUrl, room, user: 'Ann', heading: 'Support' });
  document.body.append(chat);
  appended?.(chat);
  await waitFor(() => chat.conversation && chat.shadowRoot?.querySelector('.launcher'), 10_000, 'the launcher');
  return chat;
}

/** The line whose text includes `text` is inside the list's box. */
function inView(chat: ParleyChat, text: string): boolean {
  const line = [...root(chat).querySelectorAll('.message')].find((m) => m.textContent?.includes(text));
  const log = root(chat).querySelector('.log');
  if (!line || !log) return false;
  const [l, b] = [line.getBoundingClientRect(), log.getBoundingClientRect()];
  return l.top >= b.top - 1 && l.bottom <= b.bottom + 1;
}

async function shiftTab(): Promise<void> {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ up: 'Shift' });
}

function record(chat: ParleyChat) {
  const events: string[] = [];
  for (const type of ['parley-open', 'parley-close', 'parley-unread'] as const)
    // Listened for on the document: the events bubble and leave the shadow root.
    document.addEventListener(type, (e) => e.target === chat && events.push(type === 'parley-unread' ? `unread ${(e as CustomEvent<{ count: number }>).detail.count}` : type));
  return events;
}

describe('launcher and panel', () => {
  tolerateResizeObserverNotice();
  afterEach(async () => {
    document.querySelectorAll('parley-chat').forEach((c) => c.remove());
    await setViewport({ width: 800, height: 600 });
  });

  it('counts messages that arrive while closed until they are seen, opens from the keyboard, sends with Enter, closes with Escape', async () => {
    await setViewport({ width: 1280, height: 800 });
    const room = uniqueName('room');
    const chat = await mount(room);
    const events = record(chat);
    expect(panelShown(chat), 'closed: no panel on screen').to.equal(false);
    expect(launcher(chat).getAttribute('aria-expanded')).to.equal('false');
    const rect = launcher(chat).getBoundingClientRect();
    expect([Math.round(innerWidth - rect.right), Math.round(innerHeight - rect.bottom)]).to.deep.equal([20, 20]);

    const { relayUrl } = await env();
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await waitFor(() => stateText(bob.chat) === 'Connected', 10_000, 'Bob connected');
    await type(bob.chat, 'Hello?');
    await type(bob.chat, 'Anyone there?');
    await waitFor(() => chat.unread === 2, 10_000, 'two unread');
    await waitFor(() => root(chat).querySelector('.badge')?.textContent === '2', 2_000, 'the badge');
    expect(launcher(chat).getAttribute('aria-label')).to.equal('Open chat, 2 unread messages');

    chat.focus();
    expect(focused(chat)).to.equal(launcher(chat));
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused(chat)?.tagName === 'TEXTAREA', 5_000, 'focus in the text box');
    expect(chat.isOpen).to.equal(true);
    // Read once on screen: the engine's cursor moves, and its count comes back as 0.
    await waitFor(() => chat.unread === 0 && !root(chat).querySelector('.badge'), 5_000, 'the messages read');
    expect(root(chat).querySelector('[role=dialog]')!.getAttribute('aria-label')).to.equal('Support');

    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => texts(bob.chat).includes('line one\nline two'), 5_000, 'the two-line message at Bob');
    // The box empties once the engine has answered that it stored the message; that answer and
    // Bob's copy travel different ways, so either may come first.
    await waitFor(() => root(chat).querySelector('textarea')!.value === '', 5_000, 'the box emptied');

    await sendKeys({ press: 'Escape' });
    await waitFor(() => !chat.isOpen && focused(chat) === launcher(chat), 2_000, 'closed, focus on the launcher');
    expect(panelShown(chat)).to.equal(false);
    // Two messages stored in one batch give one count: 'unread 1' may not come before 'unread 2'.
    expect(events.filter((e) => e !== 'unread 1')).to.deep.equal(['unread 2', 'parley-open', 'unread 0', 'parley-close']);
    expect(events.indexOf('unread 1'), "'unread 1', if any, first").to.be.at.most(0);
    bob.close();
  });

  it('keeps the closed panel drawn but hidden and unread, out of the way of the keyboard, and opens it at the newest message', async () => {
    await setViewport({ width: 1280, height: 800 });
    const room = uniqueName('room');
    const chat = await mount(room);
    const { relayUrl } = await env();
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await waitFor(() => stateText(bob.chat) === 'Connected', 10_000, 'Bob connected');
    for (let i = 1; i <= 30; i++) await bob.chat.send(`note ${i}`);
    await waitFor(() => chat.unread === 30, 10_000, '30 unread');
    // Drawn ahead once the list's code has loaded (when the page is idle), so that opening it only shows it.
    const panel = await waitFor(() => root(chat).querySelector<HTMLElement>('.panel.parked'), 5_000, 'the parked panel');
    await waitFor(() => shownTexts(chat).includes('note 30'), 5_000, 'the newest line drawn in the parked list');
    expect(getComputedStyle(panel).visibility).to.equal('hidden');
    expect(panel.inert).to.equal(true);
    chat.focus();
    await sendKeys({ press: 'Tab' });
    expect(focused(chat), 'Tab leaves the launcher for the page, not for the hidden panel').to.equal(null);
    expect(chat.unread, 'nothing read while hidden').to.equal(30);

    chat.open();
    await waitFor(() => panelShown(chat) && inView(chat, 'note 30'), 2_000, 'the newest line on screen');
    expect(panel.inert).to.equal(false);
    await waitFor(() => chat.unread === 0, 5_000, 'the messages read once shown');
    chat.close();
    await waitFor(() => !panelShown(chat) && focused(chat) === launcher(chat), 2_000, 'closed, focus on the launcher');
    await bob.chat.send('note 31');
    await waitFor(() => chat.unread === 1, 5_000, 'one unread');
    chat.open();
    await waitFor(() => inView(chat, 'note 31'), 2_000, 'the message that came while closed, on screen');
    bob.close();
  });

  it('parks the panel in two steps, its list at the next idle moment; opened in between, it shows its list at once', async () => {
    await setViewport({ width: 1280, height: 800 });
    const room = uniqueName('room');
    const { relayUrl } = await env();
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await waitFor(() => stateText(bob.chat) === 'Connected', 10_000, 'Bob connected');
    for (let i = 1; i <= 30; i++) await bob.chat.send(`early ${i}`);

    // The moment the parked panel's frame is drawn, before the page is next idle, the visitor opens it.
    const seen: { frameOnly?: boolean; listAtOpen?: boolean } = {};
    let watch: MutationObserver | undefined;
    const chat = await mount(room, {}, (chat) => {
      watch = new MutationObserver(() => {
        if (seen.frameOnly !== undefined || !root(chat).querySelector('.panel')) return;
        seen.frameOnly = !root(chat).querySelector('.log');
        chat.open();
        void chat.updateComplete.then(() => (seen.listAtOpen = !!root(chat).querySelector('.log')));
      });
      watch.observe(root(chat), { childList: true, subtree: true });
    });
    await waitFor(() => seen.listAtOpen !== undefined, 10_000, 'the panel drawn and opened');
    watch!.disconnect();
    expect(seen.frameOnly, 'the parked panel drawn first without its list').to.equal(true);
    expect(seen.listAtOpen, 'the list drawn by the open itself').to.equal(true);
    await waitFor(() => panelShown(chat) && inView(chat, 'early 30'), 5_000, 'the newest line on screen');
    await waitFor(() => chat.unread === 0, 5_000, 'the messages read once shown');
    bob.close();
  });

  it("in panel mode, draws no launcher of its own, keeps the closed panel drawn and unread, and opens and closes from the page, its close button and Escape", async () => {
    await setViewport({ width: 1280, height: 800 });
    const room = uniqueName('room');
    const { relayUrl } = await env();
    // The page's own launcher holds the element in a box of its own, as the script-tag loader does.
    const box = document.createElement('div');
    box.style.cssText = 'position:fixed;bottom:88px;right:20px;width:380px;height:500px';
    const chat = document.createElement('parley-chat');
    chat.setAttribute('mode', 'panel');
    Object.assign(chat, { engine: uniqueName('panel'), server: relayUrl, room, user: 'Ann', heading: 'Support' });
    const events = record(chat);
    box.append(chat);
    document.body.append(box);
    await waitFor(() => chat.conversation, 10_000, 'the room open');
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await waitFor(() => stateText(bob.chat) === 'Connected', 10_000, 'Bob connected');
    for (let i = 1; i <= 30; i++) await bob.chat.send(`panel note ${i}`);
    await waitFor(() => chat.unread === 30, 10_000, '30 unread');
    const panel = await waitFor(() => root(chat).querySelector<HTMLElement>('.panel.parked'), 5_000, 'the parked panel');
    await waitFor(() => shownTexts(chat).includes('panel note 30'), 5_000, 'the newest line drawn in the parked list');
    expect(root(chat).querySelector('.launcher'), 'no launcher of its own').to.equal(null);
    expect(panel.inert).to.equal(true);
    expect(chat.unread, 'nothing read while closed').to.equal(30);

    chat.open();
    await waitFor(() => panelShown(chat) && inView(chat, 'panel note 30'), 2_000, 'the newest line on screen');
    await waitFor(() => focused(chat)?.tagName === 'TEXTAREA', 2_000, 'focus in the text box');
    await waitFor(() => chat.unread === 0, 5_000, 'the messages read once shown');
    expect(panel.getAttribute('role'), "a region: the page's own panel is the dialog").to.equal('region');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !chat.isOpen && !panelShown(chat), 2_000, 'closed by Escape');
    chat.toggle();
    await waitFor(() => panelShown(chat), 2_000, 'open again');
    root(chat).querySelector<HTMLButtonElement>('button.close')!.click();
    await waitFor(() => !chat.isOpen && !panelShown(chat), 2_000, 'closed by its close button');
    expect(events.filter((e) => !e.startsWith('unread'))).to.deep.equal(['parley-open', 'parley-close', 'parley-open', 'parley-close']);
    box.remove();
    bob.close();
  });

  it('has open, close, toggle, send and focus methods, and sits bottom-left on request', async () => {
    await setViewport({ width: 1280, height: 800 });
    const chat = await mount(uniqueName('room'), { position: 'bottom-left' });
    expect(Math.round(launcher(chat).getBoundingClientRect().left)).to.equal(20);
    chat.toggle();
    await waitFor(() => root(chat).querySelector('.panel'), 2_000, 'the panel');
    expect(Math.round(root(chat).querySelector('.panel')!.getBoundingClientRect().left)).to.equal(20);
    const sent = await chat.send('from a method');
    expect(sent.text).to.equal('from a method');
    await waitFor(() => texts(chat).includes('from a method'), 5_000, 'the message in the list');
    let refused = '';
    await chat.send('   ').catch((e: Error) => (refused = e.message));
    expect(refused).to.equal('The message is empty.');
    chat.close();
    expect(chat.isOpen).to.equal(false);
    chat.open();
    chat.toggle();
    expect(chat.isOpen).to.equal(false);
  });

  it('takes the whole screen at 375 px, with 16 px text in the box and the box in view', async () => {
    await setViewport({ width: 375, height: 740 });
    const chat = await mount(uniqueName('room'));
    chat.open();
    const panel = await waitFor(() => root(chat).querySelector<HTMLElement>('.panel'), 2_000, 'the panel');
    // Past the slide-in (prefers-reduced-motion is tested in media-emulation.test.ts).
    await Promise.all(panel.getAnimations().map((a) => a.finished));
    await waitFor(() => panel.getBoundingClientRect().height === visualViewport!.height, 2_000, 'the panel as tall as the visual viewport');
    const r = panel.getBoundingClientRect();
    expect([r.left, r.top, r.width]).to.deep.equal([0, 0, 375]);
    const box = root(chat).querySelector('textarea')!;
    expect(parseFloat(getComputedStyle(box).fontSize)).to.be.at.least(16);
    expect(box.getBoundingClientRect().bottom).to.be.at.most(740);
    // The launcher is hidden under the full-screen panel; the header's close button takes its place.
    expect(getComputedStyle(launcher(chat)).display).to.equal('none');
    root(chat).querySelector<HTMLButtonElement>('button.close')!.click();
    await waitFor(() => !chat.isOpen && focused(chat) === launcher(chat), 2_000, 'closed, focus on the launcher');
  });

  it('can be used with the keyboard alone: open, back into the list, scroll it, close', async () => {
    await setViewport({ width: 1280, height: 800 });
    const room = uniqueName('room');
    const chat = await mount(room);
    chat.open();
    for (let i = 1; i <= 30; i++) await chat.send(`message ${i}`);
    chat.close();
    await waitFor(() => !chat.isOpen, 2_000, 'closed');
    chat.focus();
    expect(focused(chat)).to.equal(launcher(chat));
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused(chat)?.tagName === 'TEXTAREA', 5_000, 'the text box focused');
    const log = await waitFor(() => root(chat).querySelector<HTMLElement>('.log[role=list]'), 5_000, 'the list');
    await waitFor(() => log.scrollTop > 0 && log.scrollHeight - log.scrollTop - log.clientHeight < 2, 5_000, 'the list at the bottom').catch((e) => {
      throw new Error(`${e.message}: scrollTop ${log.scrollTop}, scrollHeight ${log.scrollHeight}, clientHeight ${log.clientHeight}, ${chat.messages.length} messages`);
    });
    // Back from the text box: the list itself (each message's Cancel button, if any, comes first).
    for (let i = 0; i < 40 && focused(chat) !== log; i++) await shiftTab();
    expect(focused(chat)).to.equal(log);
    const bottom = log.scrollTop;
    await sendKeys({ press: 'PageUp' });
    await waitFor(() => log.scrollTop < bottom - 100, 5_000, 'the list scrolled up by the keyboard');
    // A key is the reader's hand on the list: a message from someone else now leaves them there.
    await steady(log);
    const reading = log.scrollTop;
    const conversation = chat.conversation!;
    const order = Math.max(...chat.messages.map((m) => m.order)) + 1;
    chat.session.merge([{ id: crypto.randomUUID(), conversation, room, from: 'Bob', text: 'while you read', ts: Date.now(), order, mine: false }]);
    await waitFor(() => root(chat).querySelector('.new-pill'), 5_000, 'the "new messages" pill');
    expect(log.scrollTop, 'the reader was not moved').to.be.closeTo(reading, 100);
    await sendKeys({ press: 'End' });
    await waitFor(() => log.scrollTop >= bottom - 2 && !root(chat).querySelector('.new-pill'), 5_000, 'back at the bottom, the pill gone');
    // Further back: the header's close button; Enter closes, focus returns to the launcher.
    for (let i = 0; i < 5 && !focused(chat)?.classList.contains('close'); i++) await shiftTab();
    expect(focused(chat)?.getAttribute('aria-label')).to.equal('Close chat');
    // The focused control shows a visible outline.
    expect(getComputedStyle(focused(chat)!).outlineStyle).to.equal('solid');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => !chat.isOpen && focused(chat) === launcher(chat), 2_000, 'closed, focus on the launcher');
  });
});
