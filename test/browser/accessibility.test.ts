import { expect } from '@esm-bundle/chai';
import 'axe-core/axe.min.js';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import type { StateChange } from '../../worker/api.ts';
import { fillHistory } from './fill-history.ts';
import { env, openTab, startProxy, stateText, type, tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

declare const axe: typeof import('axe-core');

const root = (chat: ParleyChat) => chat.shadowRoot!;

/** Every rule axe has for WCAG 2.x A and AA, plus its best practices; nothing left for a human to review. */
async function audit(chat: ParleyChat, state: string, context: import('axe-core').ElementContext = chat): Promise<void> {
  await chat.updateComplete;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  // Colours are measured once the panel has finished fading in.
  await Promise.all(root(chat).getAnimations().map((a) => a.finished));
  const results = await axe.run(context, { resultTypes: ['violations', 'incomplete'] });
  const show = (list: typeof results.violations) =>
    list.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}: ${[...n.any, ...n.all].map((c) => c.message).join('; ')}`).join(', ')})`);
  expect(show(results.violations), `violations, ${state}`).to.deep.equal([]);
  expect(show(results.incomplete), `needs review, ${state}`).to.deep.equal([]);
}

function mount(props: Partial<ParleyChat>, attrs: Record<string, string> = {}): ParleyChat {
  const chat = document.createElement('parley-chat');
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  Object.assign(chat, props);
  document.body.append(chat);
  return chat;
}

describe('accessibility', () => {
  tolerateResizeObserverNotice();
  afterEach(() => document.querySelectorAll('parley-chat').forEach((c) => c.remove()));

  it('has no axe violations and nothing to review: closed, open, 200 messages, link, failed, dark, RTL, reconnecting, empty', async function () {
    this.timeout(90_000);
    const proxy = await startProxy();
    const props = { engine: uniqueName('a11y'), server: proxy.url, room: uniqueName('room'), user: 'Ada', heading: 'Support', options: { backoffBase: 2_000, backoffCap: 2_000 } };
    let chat = mount(props, { mode: 'launcher' });
    await waitFor(() => chat.conversation, 10_000, 'the conversation');
    await audit(chat, 'closed');
    const conversation = chat.conversation!;
    chat.remove();
    await fillHistory(props.engine, conversation, 200);

    chat = mount(props, { mode: 'launcher' });
    chat.open();
    await waitFor(() => chat.messages.length === 50 && root(chat).querySelector('.message'), 10_000, 'the first page');
    await audit(chat, 'open');
    while (chat.messages.length < 200) await chat.session.loadOlder();
    await audit(chat, '200 messages');

    await chat.send(`${'A long message that wraps over several lines. '.repeat(12)}Details: https://example.com/help?topic=a11y`);
    await waitFor(() => root(chat).querySelector('.message .text a'), 5_000, 'the link');
    await audit(chat, 'long message with link');

    const base = { conversation, room: props.room, from: 'Ada', text: 'refused', mine: true, ts: Date.now(), order: 2 ** 52 + Date.now() };
    chat.session.merge([{ ...base, id: 'failed-1', status: 'failed', error: { code: 'too-long', message: 'Messages can be at most 10000 characters' } }]);
    await waitFor(() => root(chat).querySelector('.message.failed'), 5_000, 'the failed message');
    await audit(chat, 'failed message');

    chat.theme = 'dark';
    await audit(chat, 'dark theme');
    chat.theme = 'light';

    chat.dir = 'rtl';
    chat.lang = 'fr';
    await waitFor(() => root(chat).querySelector('button.primary')?.textContent === 'Envoyer', 5_000, 'French strings');
    await audit(chat, 'RTL');
    chat.dir = '';
    chat.lang = 'en';

    await proxy.mode('refuse');
    await waitFor(() => /^Reconnecting in \d+ s…$/.test(stateText(chat)), 15_000, 'the reconnecting banner');
    await audit(chat, 'reconnecting');
    await proxy.mode('forward');

    const empty = mount({ ...props, engine: uniqueName('a11y-empty'), room: uniqueName('room'), server: (await env()).relayUrl });
    await waitFor(() => stateText(empty) === 'Connected' && root(empty).querySelector('.empty'), 10_000, 'the empty list');
    await audit(empty, 'empty');
  });

  it('has no axe violations and nothing to review with attachments: an image, a document card, the tray, the viewer open', async function () {
    this.timeout(60_000);
    const props = { engine: uniqueName('a11y-files'), server: (await env()).relayUrl, room: uniqueName('room'), user: 'Ada', heading: 'Support' };
    const chat = mount(props, { mode: 'launcher' });
    chat.open();
    await waitFor(() => stateText(chat) === 'Connected', 10_000, 'Connected');
    const fixture = (name: string) => new URL(`/test/browser/fixtures/${name}`, location.href).href;
    const base = { conversation: chat.conversation!, room: props.room, from: 'Bob', mine: false, ts: Date.now() };
    chat.session.merge([
      { ...base, id: 'img', order: 1, text: 'The view from here', attachments: [{ url: fixture('photo.png'), name: 'sea.png', type: 'image/png', size: 23_568, width: 640, height: 400 }] },
      { ...base, id: 'doc', order: 2, text: '', attachments: [{ url: fixture('notes.pdf'), name: 'notes.pdf', type: 'application/pdf', size: 69 }] },
    ]);
    await waitFor(() => root(chat).querySelector('.att-full.loaded') && root(chat).querySelector('.att-file a'), 10_000, 'the image and the card');
    await audit(chat, 'image and document card');
    chat.theme = 'dark';
    await audit(chat, 'image and document card, dark');
    chat.theme = 'light';

    const input = root(chat).querySelector<HTMLInputElement>('input.picker')!;
    const list = new DataTransfer();
    list.items.add(new File([await (await fetch(fixture('photo.png'))).blob()], 'photo.png', { type: 'image/png' }));
    list.items.add(new File(['%PDF-1.4'], 'report.pdf', { type: 'application/pdf' }));
    input.files = list.files;
    input.dispatchEvent(new Event('change'));
    await waitFor(() => root(chat).querySelectorAll('.tray-item').length === 2, 5_000, 'the tray');
    await audit(chat, 'tray');

    root(chat).querySelector<HTMLButtonElement>('button.att-image')!.click();
    await waitFor(() => root(chat).querySelector<HTMLImageElement>('dialog.viewer[open] img')?.complete, 5_000, 'the viewer');
    // A modal dialog makes the rest of the page inert (HTML §6.3): only the dialog can be read or reached.
    await audit(chat, 'viewer open', { fromShadowDom: ['parley-chat', 'dialog.viewer'] });
  });

  it('announces only newly arrived messages, with their sender; never history, status marks or the countdown', async () => {
    const { relayUrl } = await env();
    const proxy = await startProxy();
    const room = uniqueName('room');
    const engine = uniqueName('live');
    const props = { engine, server: proxy.url, room, user: 'Ada', options: { backoffBase: 3_000, backoffCap: 3_000 } };
    let chat = mount(props);
    await waitFor(() => stateText(chat) === 'Connected', 10_000, 'Connected');
    const conversation = chat.conversation!;
    chat.remove();
    await fillHistory(engine, conversation, 60);
    chat = mount(props);
    await waitFor(() => chat.messages.length === 50 && stateText(chat) === 'Connected', 10_000, 'history shown');
    const log = root(chat).querySelector('[role=log]')!;
    const status = root(chat).querySelector('[role=status]')!;
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(root(chat).querySelectorAll('[aria-live], [role=log], [role=status], [role=alert]').length, 'two live regions').to.equal(2);
    await chat.session.loadOlder();
    expect(log.textContent, 'history is not announced').to.equal('');

    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await type(bob.chat, 'Hi Ada');
    await waitFor(() => log.textContent === 'Bob: Hi Ada', 10_000, 'the announcement');
    const changes: string[] = [];
    new MutationObserver(() => changes.push(log.textContent!)).observe(log, { subtree: true, childList: true, characterData: true });
    await chat.send('Hello Bob');
    await waitFor(() => root(chat).querySelector('.message.mine .status')?.getAttribute('aria-label') === 'Sent', 5_000, 'sent');
    expect(changes, 'own messages and status marks are not announced').to.deep.equal([]);

    // The countdown ticks in the banner, and each attempt numbers itself there; the status
    // region says "Reconnecting…" once for the whole outage.
    const said: string[] = [];
    new MutationObserver(() => said.push(status.textContent!)).observe(status, { subtree: true, childList: true, characterData: true });
    const attempts: number[] = [];
    chat.addEventListener('parley-state', (e) => {
      const { change } = (e as CustomEvent<{ change: StateChange }>).detail;
      if (change.to === 'connecting' && change.attempt) attempts.push(change.attempt);
    });
    await proxy.mode('refuse');
    const first = await waitFor(() => /^Reconnecting in (\d) s…$/.exec(stateText(chat))?.[1], 10_000, 'a countdown');
    await waitFor(() => (/^Reconnecting in (\d) s…$/.exec(stateText(chat))?.[1] ?? first) !== first, 5_000, 'the countdown ticking');
    await waitFor(() => attempts.length > 0 && /^Reconnecting in \d s…$/.test(stateText(chat)), 10_000, 'an attempt, and the countdown again');
    expect(status.textContent).to.equal('Reconnecting…');
    expect([...new Set(said.filter(Boolean))], `said: ${said.join(' | ')}`).to.deep.equal(['Reconnecting…']);
    await proxy.mode('forward');
    root(chat).querySelector<HTMLButtonElement>('button.retry-now')!.click();
    await waitFor(() => stateText(chat) === 'Connected', 10_000, 'Connected again');
    expect(status.textContent, 'a reconnect clears it quietly').to.equal('');
    bob.close();
  });
});
