import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { openTab, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { FAST, localPart, mucRoom, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

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
    // The room's echo or the SM ack confirms each sender's message; the others, who have it on
    // screen, may have sent their XEP-0333 markers already.
    for (const chat of [a.chat, b.chat, c.chat]) await waitFor(() => ['sent', 'read'].includes(statuses(chat).join()), 10_000, 'own message confirmed');
    for (const t of [a, b, c]) t.close();
  });

  it('tells apart two accounts that pick the same nickname: "mine" is the occupant id, never the nick', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const room = await mucRoom('nick');
    const roomJid = room.replace(/\?join$/, '');
    const nick = uniqueName('sam');
    const tab = (user: string) =>
      openTab({ engine: uniqueName('muc'), protocol: 'xmpp', server: url, user, password, room, options: FAST, attrs: { nickname: nick } });

    // Another account (not Parley) was "sam" here first, and left.
    const other = await startPeer('other');
    // The join presence as XEP-0045 §7.2 writes it; the room handles it before the message after it.
    await other.do({ op: 'raw', xml: `<presence to="${roomJid}/${nick}"><x xmlns="http://jabber.org/protocol/muc"/></presence>` });
    await other.do({ op: 'send', to: roomJid, type: 'groupchat', text: 'from the other sam' });
    await other.sync();
    await other.stop();

    const ann = await xmppUser('ann');
    const a = await tab(ann);
    await waitFor(() => stateText(a.chat) === 'Connected' && texts(a.chat).includes('from the other sam'), 15_000, 'the archive at Ann');
    await type(a.chat, 'from Ann as sam');
    await waitFor(() => statuses(a.chat).join() === 'sent', 10_000, "Ann's message sent");
    expect(a.chat.messages.map((m) => `${m.mine ? 'mine' : m.from}: ${m.text}`)).to.deep.equal([`${nick}: from the other sam`, 'mine: from Ann as sam']);

    // A fresh engine for Ann (nothing stored) learns which archived message is hers from the room.
    const again = await tab(ann);
    await waitFor(() => texts(again.chat).length === 2, 15_000, "the archive at Ann's second browser");
    expect(again.chat.messages.map((m) => `${m.mine ? 'mine' : m.from}: ${m.text}`)).to.deep.equal([`${nick}: from the other sam`, 'mine: from Ann as sam']);
    expect(lines(again.chat)).to.deep.equal([`${nick}: from the other sam`, 'me: from Ann as sam']);

    // Bob asks for the same nickname while Ann holds it: Prosody refuses him (XEP-0045 §7.2.9),
    // and nothing in his history passes for his.
    const bob = await xmppUser('bob');
    const b = await tab(bob);
    const errors: string[] = [];
    b.chat.addEventListener('parley-error', (e) => errors.push(e.detail.error.message));
    await waitFor(() => errors.some((m) => /conflict/i.test(m)), 15_000, 'the nickname conflict at Bob');
    expect(b.chat.messages.filter((m) => m.mine)).to.deep.equal([]);
    for (const t of [a, again, b]) t.close();
  });
});
