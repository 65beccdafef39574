import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatMessage } from '../../worker/api.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, startProxy, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';

const connected = (chat: ParleyChat) => waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');
const root = (chat: ParleyChat) => chat.shadowRoot!;
const box = (chat: ParleyChat) => root(chat).querySelector('textarea')!;
const buttons = (el: ParentNode) => [...el.querySelectorAll<HTMLButtonElement>('button')].map((b) => b.textContent!.trim());
const line = (chat: ParleyChat, id: string) => root(chat).querySelector<HTMLElement>(`.message[data-id="${id}"]`);

/** Types as a visitor does: focus the box, then real key presses. */
async function typeKeys(chat: ParleyChat, text: string): Promise<void> {
  box(chat).focus();
  await sendKeys({ type: text });
}

describe('composer', () => {
  it('counts near the limit, refuses an over-long text before sending, and clears the error when short enough', async () => {
    const { relayUrl } = await env();
    const tab = await openTab({ engine: uniqueName('limit'), user: 'Ann', server: relayUrl, options: { maxTextLength: 20 } });
    await connected(tab.chat);
    await typeKeys(tab.chat, 'x'.repeat(17));
    expect(root(tab.chat).querySelector('.counter'), 'no counter far from the limit').to.equal(null);
    await typeKeys(tab.chat, 'xx');
    await waitFor(() => root(tab.chat).querySelector('.counter')?.textContent === '19 / 20', 2_000, 'the counter');
    await typeKeys(tab.chat, 'xxxxxx');
    const alert = await waitFor(() => root(tab.chat).querySelector('[role=alert]'), 2_000, 'the error');
    expect(alert.textContent).to.equal('Messages can be at most 20 characters (this one has 25).');
    expect(box(tab.chat).getAttribute('aria-invalid')).to.equal('true');
    await sendKeys({ press: 'Enter' });
    expect(box(tab.chat).value, 'nothing sent, the text kept').to.equal('x'.repeat(25));
    expect(texts(tab.chat)).to.deep.equal([]);
    for (let i = 0; i < 7; i++) await sendKeys({ press: 'Backspace' });
    await waitFor(() => !root(tab.chat).querySelector('[role=alert]'), 2_000, 'the error cleared');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => texts(tab.chat).join() === 'x'.repeat(18), 5_000, 'the shortened text sent');
    tab.close();
  });

  it('grows with its text to about six lines, then scrolls', async () => {
    const { relayUrl } = await env();
    const tab = await openTab({ engine: uniqueName('grow'), user: 'Ann', server: relayUrl });
    Object.assign(tab.frame.style, { width: '420px', height: '620px' });
    await connected(tab.chat);
    const heights: number[] = [];
    await typeKeys(tab.chat, 'one');
    heights.push(box(tab.chat).clientHeight);
    for (let i = 2; i <= 10; i++) {
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Shift' });
      await sendKeys({ type: `line ${i}` });
      heights.push(box(tab.chat).clientHeight);
    }
    const lineHeight = parseFloat(getComputedStyle(box(tab.chat)).lineHeight);
    expect(heights[2]! - heights[0]!, 'three lines are two lines taller than one').to.be.closeTo(2 * lineHeight, 2);
    expect(heights[5]!).to.be.closeTo(heights[0]! + 5 * lineHeight, 2);
    expect(heights[9], 'no taller than six lines').to.equal(heights[5]);
    expect(box(tab.chat).scrollHeight).to.be.greaterThan(box(tab.chat).clientHeight + 3 * lineHeight);
    tab.close();
  });
});

describe('message statuses and actions', () => {
  it('names each status, and lets a queued message be cancelled, focus staying in the text box', async () => {
    const proxy = await startProxy();
    const tab = await openTab({ engine: uniqueName('cancel'), user: 'Ann', server: proxy.url, options: { backoffBase: 100, backoffCap: 500 } });
    await connected(tab.chat);
    await type(tab.chat, 'sent one');
    await waitFor(() => statuses(tab.chat).join() === 'sent', 5_000, 'sent');
    const sent = root(tab.chat).querySelector('.message .status')!;
    expect([sent.getAttribute('role'), sent.getAttribute('aria-label')]).to.deep.equal(['img', 'Sent']);
    expect(root(tab.chat).querySelector('.message .sr-only')!.textContent, 'an own message names its sender').to.equal('You: ');

    await proxy.mode('refuse');
    await waitFor(() => stateText(tab.chat) !== 'Connected', 10_000, 'the link lost');
    await type(tab.chat, 'never mind');
    await waitFor(() => statuses(tab.chat).join() === 'sent,queued', 5_000, 'queued');
    const queued = tab.chat.messages[1]!;
    const status = line(tab.chat, queued.id)!.querySelector('.status')!;
    expect(status.getAttribute('aria-label')).to.equal('Waiting to send');
    expect(buttons(line(tab.chat, queued.id)!)).to.deep.equal(['Cancel']);
    line(tab.chat, queued.id)!.querySelector('button')!.click();
    await waitFor(() => texts(tab.chat).join() === 'sent one', 5_000, 'cancelled');
    expect(root(tab.chat).activeElement).to.equal(box(tab.chat));
    await proxy.mode('forward');
    tab.close();
  });

  it('offers Edit and Delete for a failed message, and Retry only when retrying can help', async () => {
    const { relayUrl } = await env();
    // The widget allows longer text than this relay does, so the relay refuses it.
    const tab = await openTab({ engine: uniqueName('edit'), user: 'Rex', server: relayUrl, options: { maxTextLength: 20_000 } });
    await connected(tab.chat);
    const long = `${'x'.repeat(12_000)} see https://example.com`;
    await type(tab.chat, long);
    await waitFor(() => statuses(tab.chat).join() === 'failed', 5_000, 'failed');
    const failed = tab.chat.messages[0]!;
    expect(line(tab.chat, failed.id)!.querySelector('.status')!.getAttribute('aria-label')).to.equal('Not sent');
    // Too long for this relay: the same text would be refused again, so no Retry (worker/codes.ts).
    expect(failed.error?.code).to.equal('too-long');
    expect(buttons(line(tab.chat, failed.id)!)).to.deep.equal(['Edit', 'Delete']);

    [...line(tab.chat, failed.id)!.querySelectorAll('button')].find((b) => b.textContent === 'Edit')!.click();
    await waitFor(() => texts(tab.chat).length === 0, 5_000, 'the failed message withdrawn');
    expect(box(tab.chat).value, 'the text back in the box').to.equal(long);
    expect(root(tab.chat).activeElement).to.equal(box(tab.chat));

    // A refusal that a retry may get past (the room was not joined yet): Retry is offered.
    const refused: ChatMessage = { ...failed, id: 'passing', text: 'short', error: { code: 'not-joined', message: 'Join the room first.' } };
    tab.chat.session.merge([refused]);
    await waitFor(() => line(tab.chat, 'passing'), 2_000, 'the refused message');
    expect(buttons(line(tab.chat, 'passing')!)).to.deep.equal(['Retry', 'Edit', 'Delete']);
    tab.close();
  });

  it('colours read marks apart from sent ones', async () => {
    const { relayUrl } = await env();
    const tab = await openTab({ engine: uniqueName('read'), user: 'Ann', server: relayUrl });
    await connected(tab.chat);
    const base = { conversation: tab.chat.conversation!, room: 'r', from: 'Ann', text: 't', mine: true };
    tab.chat.session.merge([
      { ...base, id: 's', ts: Date.now() - 2000, order: 1, status: 'sent' },
      { ...base, id: 'd', ts: Date.now() - 1000, order: 2, status: 'delivered' },
      { ...base, id: 'r', ts: Date.now(), order: 3, status: 'read' },
    ]);
    const mark = (id: string) => waitFor(() => line(tab.chat, id)?.querySelector<SVGElement>('.status'), 2_000, id);
    const [s, d, r] = [await mark('s'), await mark('d'), await mark('r')];
    expect([s, d, r].map((e) => e.getAttribute('aria-label'))).to.deep.equal(['Sent', 'Delivered', 'Read']);
    // One check for sent, two for delivered and read.
    expect([s, d, r].map((e) => e.querySelectorAll('path').length)).to.deep.equal([1, 2, 2]);
    expect(getComputedStyle(r).color).to.not.equal(getComputedStyle(d).color);
    tab.close();
  });
});
