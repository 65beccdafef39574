import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { openTab, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { FAST, localPart, mucRoom, xmppEnv, xmppUser } from './xmpp-env.ts';

/** Each message as "sender: text"; our own messages carry no sender line. */
const lines = (chat: ParleyChat): string[] =>
  [...chat.shadowRoot!.querySelectorAll('.message')].map(
    (el) => `${el.querySelector('.from')?.textContent ?? 'me'}: ${el.querySelector('.text')?.textContent}`,
  );

describe('XMPP group chat (MUC)', () => {
  it('lets three participants talk in one room, each message shown once with its sender', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const room = await mucRoom('team');
    const [ann, bob, cy] = await Promise.all([xmppUser('ann'), xmppUser('bob'), xmppUser('cy')]);
    const tab = (user: string) => openTab({ engine: uniqueName('muc'), protocol: 'xmpp', server: url, user, password, room, options: FAST });
    const a = await tab(ann);
    const b = await tab(bob);
    await waitFor(() => stateText(a.chat) === 'Connected' && stateText(b.chat) === 'Connected', 15_000, 'Ann and Bob connected');
    await type(a.chat, 'Ann here');
    await waitFor(() => texts(b.chat).includes('Ann here'), 10_000, 'Ann\'s message at Bob');
    await type(b.chat, 'Bob here');
    await waitFor(() => texts(a.chat).includes('Bob here'), 10_000, 'Bob\'s message at Ann');

    // Cy comes later and finds the conversation so far in the room's archive (MAM).
    const c = await tab(cy);
    await waitFor(() => texts(c.chat).length === 2, 15_000, 'the room history at Cy');
    await type(c.chat, 'Cy here');
    for (const chat of [a.chat, b.chat, c.chat]) await waitFor(() => texts(chat).length === 3, 10_000, 'three messages everywhere');

    const [na, nb, nc] = [ann, bob, cy].map(localPart);
    expect(lines(a.chat)).to.deep.equal(['me: Ann here', `${nb}: Bob here`, `${nc}: Cy here`]);
    expect(lines(b.chat)).to.deep.equal([`${na}: Ann here`, 'me: Bob here', `${nc}: Cy here`]);
    expect(lines(c.chat)).to.deep.equal([`${na}: Ann here`, `${nb}: Bob here`, 'me: Cy here']);
    // The room's echo or the SM ack confirms each sender's message.
    for (const chat of [a.chat, b.chat, c.chat]) await waitFor(() => statuses(chat).join() === 'sent', 10_000, 'own message sent');
    for (const t of [a, b, c]) t.close();
  });
});
