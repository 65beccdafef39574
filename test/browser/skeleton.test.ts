import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { env, openTab, startProxy, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';

describe('walking skeleton', () => {
  it('gives two tabs one engine and one relay connection, and shows a message in both', async () => {
    // Through a proxy of this test's own: the relay's total also counts engines of earlier
    // files that are still closing (a SharedWorker may outlive its page), and would race them.
    const proxy = await startProxy();
    const engine = uniqueName('two-tabs');
    const room = uniqueName('room');
    const a = await openTab({ engine, user: 'Ann', server: proxy.url, room });
    const b = await openTab({ engine, user: 'Ann', server: proxy.url, room });
    await waitFor(() => stateText(a.chat) === 'Connected' && stateText(b.chat) === 'Connected', 10_000, 'both tabs connected');
    expect(await proxy.accepted(), 'relay connections for two tabs').to.equal(1);

    // Another browser (another engine name and database) is another relay client.
    const other = await openTab({ engine: uniqueName('other-browser'), user: 'Bob', server: proxy.url, room });
    await waitFor(() => stateText(other.chat) === 'Connected', 10_000, 'the other browser connected');
    expect(await proxy.accepted(), 'relay connections for two browsers').to.equal(2);

    await type(a.chat, 'Hello from tab A');
    await waitFor(() => texts(b.chat).includes('Hello from tab A'), 5_000, 'the message in tab B');
    await waitFor(() => texts(other.chat).includes('Hello from tab A'), 5_000, 'the message in the other browser');
    await waitFor(() => statuses(a.chat).join() === 'sent', 5_000, 'the relay ack');
    expect(texts(a.chat)).to.deep.equal(['Hello from tab A']);

    await type(other.chat, 'Hi Ann');
    await waitFor(() => texts(a.chat).includes('Hi Ann') && texts(b.chat).includes('Hi Ann'), 5_000, 'the reply in both tabs');
    for (const tab of [a, b, other]) tab.close();
  });

  it('shows history from IndexedDB after a reload, before the network answers', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('reload');
    const room = uniqueName('room');
    const first = await openTab({ engine, user: 'Cy', server: relayUrl, room });
    for (const text of ['one', 'two', 'three']) await type(first.chat, text);
    await waitFor(() => statuses(first.chat).join() === 'sent,sent,sent', 5_000, 'three acks');
    first.close();

    await executeServerCommand('relay-stop');
    try {
      const again = await openTab({ engine, user: 'Cy', server: relayUrl, room });
      await waitFor(() => texts(again.chat).length === 3, 5_000, 'history after the reload');
      expect(texts(again.chat)).to.deep.equal(['one', 'two', 'three']);
      expect(stateText(again.chat)).not.to.equal('Connected');
      again.close();
    } finally {
      await executeServerCommand('relay-start');
    }
  });

  it('never interprets message text as HTML', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const a = await openTab({ engine: uniqueName('xss-a'), user: 'Mallory', server: relayUrl, room });
    const b = await openTab({ engine: uniqueName('xss-b'), user: 'Eve', server: relayUrl, room });
    const hostile = '<img src=x onerror="window.parent.__pwned=1"><b>bold</b>';
    await type(a.chat, hostile);
    await waitFor(() => texts(b.chat).includes(hostile), 5_000, 'the hostile text, as text');
    expect(b.chat.shadowRoot!.querySelector('.message img, .message .text b')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    a.close();
    b.close();
  });
});
