import { expect } from '@esm-bundle/chai';
import 'axe-core/axe.min.js';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { startProxy, stateText, tolerateResizeObserverNotice, uniqueName, waitFor } from './tabs.ts';

declare const axe: typeof import('axe-core');

const root = (chat: ParleyChat) => chat.shadowRoot!;
const lines = (chat: ParleyChat) => [...root(chat).querySelectorAll('.health li')].map((li) => li.textContent ?? '');

function mount(props: Partial<ParleyChat>): ParleyChat {
  const chat = document.createElement('parley-chat');
  Object.assign(chat, props);
  document.body.append(chat);
  return chat;
}

/** The engine's health (worker/health.ts), as a site owner and a visitor who asks read it. */
describe('connection details', () => {
  tolerateResizeObserverNotice();
  afterEach(() => document.querySelectorAll('parley-chat').forEach((c) => c.remove()));

  it('shows the figures at all times with the debug attribute', async () => {
    const proxy = await startProxy();
    const chat = mount({ engine: uniqueName('debug'), server: proxy.url, room: uniqueName('room'), user: 'Dee', debug: true, password: 'secret-token' });
    await waitFor(() => lines(chat).some((l) => l.startsWith('Link: open, for ')), 10_000, 'the link open in the details');
    expect(lines(chat)).to.include('Never dropped');
    expect(lines(chat)).to.include('Nothing waiting to be sent');
    expect(lines(chat)).to.include(`Server: ${proxy.url}`);
  });

  it('lets a visitor open them from the banner, in plain words, and copy them without secrets', async () => {
    const proxy = await startProxy();
    const options = { backoffBase: 5_000, backoffCap: 5_000 };
    const chat = mount({ engine: uniqueName('details'), server: proxy.url, room: uniqueName('room'), user: 'Eve', password: 'secret-token', options });
    await waitFor(() => stateText(chat) === 'Connected', 10_000, 'Connected');
    expect(root(chat).querySelector('.health'), 'hidden while all is well').to.equal(null);

    await proxy.mode('refuse');
    const details = await waitFor(() => root(chat).querySelector<HTMLButtonElement>('.banner button.details'), 10_000, 'the banner with Details');
    expect(details.getAttribute('aria-expanded')).to.equal('false');
    details.click();
    await waitFor(() => lines(chat).some((l) => l.startsWith('Dropped 1 times; last: ')), 10_000, 'the drop, in words');
    expect(root(chat).querySelector('.banner button.details')!.getAttribute('aria-expanded')).to.equal('true');
    expect(lines(chat).find((l) => l.startsWith('Link: '))).to.match(/^Link: (reconnecting|connecting), for /);

    // axe finds nothing wrong with the details view either.
    const results = await axe.run(chat, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => v.id)).to.deep.equal([]);

    // "Copy diagnostics": the figures as JSON, and never the password.
    let copied = '';
    const clipboard = navigator.clipboard;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void (copied = text) } });
    try {
      root(chat).querySelector<HTMLButtonElement>('.health button.copy')!.click();
      await waitFor(() => copied, 5_000, 'the copy');
    } finally {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
    }
    const figures = JSON.parse(copied) as { url: string; reconnects: number; state: string };
    expect(figures.url).to.equal(proxy.url);
    expect(figures.reconnects).to.be.at.least(1);
    expect(copied).not.to.include('secret-token');
    await waitFor(() => root(chat).querySelector('.health button.copy')?.textContent?.trim() === 'Copied', 2_000, 'Copied on the button');
  });
});
