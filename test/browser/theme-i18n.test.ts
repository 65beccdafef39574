import { expect } from '@esm-bundle/chai';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, stateText, tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

const root = (chat: ParleyChat) => chat.shadowRoot!;
const panelColours = (chat: ParleyChat) => {
  const style = getComputedStyle(root(chat).querySelector('.panel')!);
  return [style.backgroundColor, style.color];
};

async function mount(attrs: Record<string, string> = {}): Promise<ParleyChat> {
  const { relayUrl } = await env();
  const chat = document.createElement('parley-chat');
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  Object.assign(chat, { engine: uniqueName('theme'), server: relayUrl, room: uniqueName('room'), user: 'Ann' });
  document.body.append(chat);
  await waitFor(() => chat.shadowRoot?.querySelector('.panel') && chat.conversation, 10_000, 'the widget');
  return chat;
}

describe('themes and languages', () => {
  tolerateResizeObserverNotice();
  afterEach(async () => {
    document.querySelectorAll('parley-chat').forEach((c) => c.remove());
  });

  // theme="auto" following the system is tested in media-emulation.test.ts.
  it('is light by default, and dark with theme="dark"', async () => {
    const chat = await mount();
    expect(chat.getAttribute('theme')).to.equal('light');
    expect(panelColours(chat)).to.deep.equal(['rgb(255, 255, 255)', 'rgb(31, 41, 55)']);
    chat.theme = 'dark';
    await chat.updateComplete;
    expect(panelColours(chat)).to.deep.equal(['rgb(17, 24, 39)', 'rgb(249, 250, 251)']);
  });

  it('takes colours from --parley-* custom properties and exposes parts', async () => {
    const style = document.createElement('style');
    style.textContent = 'parley-chat.branded { --parley-accent: rgb(0, 100, 0); } parley-chat.branded::part(header) { background: rgb(1, 2, 3); }';
    document.head.append(style);
    const chat = await mount({ class: 'branded' });
    expect(getComputedStyle(root(chat).querySelector('button.primary')!).backgroundColor).to.equal('rgb(0, 100, 0)');
    expect(getComputedStyle(root(chat).querySelector('header')!).backgroundColor).to.equal('rgb(1, 2, 3)');
    style.remove();
  });

  it('speaks French with lang="fr" (loaded on demand), takes overrides from `strings`, and lays out right to left', async () => {
    const chat = await mount({ lang: 'fr', dir: 'rtl' });
    await waitFor(() => root(chat).querySelector('button.primary')?.textContent === 'Envoyer', 5_000, 'French');
    await waitFor(() => stateText(chat) === 'Connecté', 10_000, 'Connecté');
    expect(root(chat).querySelector('textarea')!.placeholder).to.equal('Écrire un message…');
    chat.strings = { send: 'Expédier' };
    await waitFor(() => root(chat).querySelector('button.primary')?.textContent === 'Expédier', 2_000, 'the override');

    await chat.send('bonjour');
    const bubble = await waitFor(() => root(chat).querySelector<HTMLElement>('.message.mine .bubble'), 5_000, 'the message');
    // Right to left: own messages sit on the left, the send button left of the text box.
    const panel = root(chat).querySelector('.panel')!.getBoundingClientRect();
    expect(bubble.getBoundingClientRect().left - panel.left).to.be.below(20);
    const box = root(chat).querySelector('textarea')!.getBoundingClientRect();
    expect(root(chat).querySelector('button.primary')!.getBoundingClientRect().right).to.be.at.most(box.left);
    // Dates through Intl in the element's language.
    expect(root(chat).querySelector('.day')!.textContent!.trim()).to.equal('Aujourd’hui');
    expect(root(chat).querySelector('time')!.title).to.equal(new Intl.DateTimeFormat('fr', { dateStyle: 'full', timeStyle: 'medium' }).format(chat.messages[0]!.ts));
  });
});
