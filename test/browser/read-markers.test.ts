import { expect } from '@esm-bundle/chai';
import { setViewport } from '@web/test-runner-commands';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, openTab, reloadTab, startProxy, stateText, statuses, texts, type, uniqueName, waitFor, type Tab, type TabOptions } from './tabs.ts';
import { brokerUrl } from './mqtt-env.ts';
import { FAST, mucRoom, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Issue 9's read markers and unread count, end to end on the real servers: a message counts as
 * read once the visitor has had it on screen, every tab of the engine agrees on the count, and
 * the sender sees ✓✓ in the read colour.
 */
const root = (chat: ParleyChat) => chat.shadowRoot!;
const badge = (chat: ParleyChat) => root(chat).querySelector('.badge')?.textContent ?? '';
const joined = (chat: ParleyChat, what: string) => waitFor(() => chat.session.joined, 15_000, `${what}: the room joined`);
const launcher = (o: TabOptions) => openTab({ ...o, attrs: { mode: 'launcher', ...o.attrs } });
/** The tab's page turns hidden or visible, as when the visitor switches tabs. */
function setVisible(tab: Tab, visible: boolean): void {
  const doc = tab.frame.contentDocument!;
  Object.defineProperty(doc, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
  doc.dispatchEvent(new Event('visibilitychange'));
}
const glyphs = (chat: ParleyChat) => [...root(chat).querySelectorAll('.message svg.status')].map((el) => el.getAttribute('data-status'));

describe('read markers and unread count', () => {
  // Room for three 420 px frames side by side: a line counts as seen only if it is on screen.
  before(() => setViewport({ width: 1300, height: 1000 }));
  after(() => setViewport({ width: 800, height: 600 }));
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  it("relay: counts Bob's unread on the launcher until he opens the panel, and then Ann sees her messages read", async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const bob = await launcher({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(bob, ann);
    await joined(bob.chat, 'Bob');
    await joined(ann.chat, 'Ann');
    const counts: number[] = [];
    bob.chat.addEventListener('parley-unread', (e) => counts.push(e.detail.count));

    await type(ann.chat, 'one');
    await type(ann.chat, 'two');
    await waitFor(() => bob.chat.unread === 2 && badge(bob.chat) === '2', 10_000, "Bob's badge at 2");
    expect(root(bob.chat).querySelector('.launcher')!.getAttribute('aria-label')).to.equal('Open chat, 2 unread messages');
    expect(await bob.chat.session.unread()).to.include({ unread: 2 });
    // Bob has not opened the chat: nothing is read yet.
    await waitFor(() => statuses(ann.chat).join() === 'sent,sent', 5_000, "Ann's messages acknowledged");

    root(bob.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => statuses(ann.chat).join() === 'read,read', 10_000, "Ann's messages read");
    await waitFor(() => glyphs(ann.chat).join() === 'read,read', 5_000, 'the read glyphs drawn');
    await waitFor(() => bob.chat.unread === 0 && badge(bob.chat) === '', 5_000, "Bob's count back to 0");
    // Two messages may arrive in one count; the last two changes are always 2, then 0.
    expect(counts.slice(-2)).to.deep.equal([2, 0]);

    // A read marker survives a reload of the sender: it was stored as a status.
    const again = await reloadTab(ann);
    tabs.push(again);
    await waitFor(() => statuses(again.chat).join() === 'read,read', 10_000, 'read after a reload');
  });

  it('relay: shares the read cursor between two tabs of one engine, and keeps it across a reload', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const engine = uniqueName('bob');
    const first = await launcher({ engine, user: 'Bob', server: relayUrl, room });
    const second = await launcher({ engine, user: 'Bob', server: relayUrl, room });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(first, second, ann);
    await Promise.all([joined(first.chat, 'first'), joined(second.chat, 'second'), joined(ann.chat, 'Ann')]);

    await type(ann.chat, 'for both tabs');
    await waitFor(() => badge(first.chat) === '1' && badge(second.chat) === '1', 10_000, 'both badges at 1');
    root(first.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => badge(second.chat) === '' && second.chat.unread === 0, 10_000, 'the other tab hears of the read');
    await waitFor(() => statuses(ann.chat).join() === 'read', 10_000, "Ann's message read");

    // The engine had joined the room already, so the reloaded tab hears no `joined`: wait for history.
    const reloaded = await reloadTab(second);
    tabs.push(reloaded);
    await waitFor(() => texts(reloaded.chat).includes('for both tabs'), 10_000, 'the message after the reload');
    expect(reloaded.chat.unread).to.equal(0);
    expect(badge(reloaded.chat)).to.equal('');
  });

  it('relay: a peer marker reads every own message up to it, and never moves a read message back', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    // All three closed, so that only Bob reads: Ann and Cy send with the element's method.
    const bob = await launcher({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    const ann = await launcher({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    const cy = await launcher({ engine: uniqueName('cy'), user: 'Cy', server: relayUrl, room });
    tabs.push(bob, ann, cy);
    await Promise.all([joined(bob.chat, 'Bob'), joined(ann.chat, 'Ann'), joined(cy.chat, 'Cy')]);
    await ann.chat.send('from Ann');
    await waitFor(() => bob.chat.unread === 1 && statuses(ann.chat).join() === 'sent', 10_000, 'Bob has one unread');
    // Cy writes last: Bob's marker names Cy's message, which still means Ann's before it.
    await cy.chat.send('from Cy');
    await waitFor(() => bob.chat.unread === 2 && statuses(cy.chat).join() === 'sent', 10_000, 'Bob has two unread');
    expect(statuses(ann.chat).join(), 'nobody has read it yet').to.equal('sent');
    root(bob.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => statuses(ann.chat).join() === 'read' && statuses(cy.chat).join() === 'read', 10_000, 'both read by Bob');
    await waitFor(() => bob.chat.unread === 0, 5_000, "Bob's count back to 0");

    // A cursor never moves back: an older order is ignored, a pending one is refused with a reason.
    await bob.chat.session.markRead(1);
    expect((await bob.chat.session.unread())!.unread).to.equal(0);
    const refused = await bob.chat.session.markRead(Number.NaN)!.then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(refused).to.match(/A read position must be the order of a message the server has placed/);
  });

  it('relay: a message Bob reads while his link is down shows as read to Ann once it is back', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const proxy = await startProxy();
    const bob = await launcher({ engine: uniqueName('bob'), user: 'Bob', server: proxy.url, room, options: { backoffBase: 100, backoffCap: 500 } });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(bob, ann);
    await Promise.all([joined(bob.chat, 'Bob'), joined(ann.chat, 'Ann')]);
    await type(ann.chat, 'read this on the train');
    await waitFor(() => bob.chat.unread === 1 && statuses(ann.chat).join() === 'sent', 10_000, 'Bob has one unread');

    await proxy.mode('refuse');
    await waitFor(() => stateText(bob.chat) !== 'Connected', 10_000, "Bob's link lost");
    root(bob.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => bob.chat.unread === 0, 5_000, "Bob's count back to 0 offline");
    expect(statuses(ann.chat).join(), 'no marker can reach Ann yet').to.equal('sent');

    await proxy.mode('forward');
    await waitFor(() => statuses(ann.chat).join() === 'read', 15_000, "Ann's message read once Bob is back");
  });

  it('title-badge: puts "(2) " before the title while the page is hidden, and takes it off when the page shows', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const bob = await launcher({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, attrs: { 'title-badge': '' } });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(bob, ann);
    await Promise.all([joined(bob.chat, 'Bob'), joined(ann.chat, 'Ann')]);
    const doc = bob.frame.contentDocument!;
    const plain = doc.title;
    // The visitor switches to another tab.
    setVisible(bob, false);
    await type(ann.chat, 'one');
    await type(ann.chat, 'two');
    await waitFor(() => doc.title === `(2) ${plain}`, 10_000, 'the badge in the title');
    // Back: the title is the page's own again, though the messages are still unread.
    setVisible(bob, true);
    expect(doc.title).to.equal(plain);
    expect(bob.chat.unread).to.equal(2);
    // The page retitles itself while hidden: the badge goes before the new title, and leaves it.
    setVisible(bob, false);
    await waitFor(() => doc.title === `(2) ${plain}`, 5_000, 'the badge again');
    doc.title = 'Inbox';
    await type(ann.chat, 'three');
    await waitFor(() => doc.title === '(3) Inbox', 10_000, "the badge before the page's new title");
    setVisible(bob, true);
    expect(doc.title).to.equal('Inbox');
  });

  it('MQTT: a read marker on <prefix>/<room>/read marks the message read', async () => {
    const server = await brokerUrl('aedes');
    const room = uniqueName('room');
    const bob = await launcher({ engine: uniqueName('bob'), user: 'Bob', server, room, protocol: 'mqtt' });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server, room, protocol: 'mqtt' });
    tabs.push(bob, ann);
    await Promise.all([joined(bob.chat, 'Bob'), joined(ann.chat, 'Ann')]);
    await type(ann.chat, 'over MQTT');
    await waitFor(() => bob.chat.unread === 1, 10_000, 'Bob has one unread');
    await waitFor(() => statuses(ann.chat).join() === 'sent', 10_000, 'the PUBACK');
    root(bob.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => statuses(ann.chat).join() === 'read', 10_000, "Ann's message read");
    await waitFor(() => bob.chat.unread === 0, 5_000, "Bob's count back to 0");
  });

  it('XMPP: Bob opening the chat sends XEP-0333 displayed, one-to-one and in a MUC room', async () => {
    const { url, password } = await xmppEnv();
    const annJid = await xmppUser('ann');
    const bobJid = await xmppUser('bob');
    const xmpp = (user: string, room: string, attrs?: Record<string, string>) =>
      openTab({ engine: uniqueName('xmpp'), protocol: 'xmpp', server: url, user, password, room, options: FAST, attrs });

    const bob = await xmpp(bobJid, annJid, { mode: 'launcher' });
    const ann = await xmpp(annJid, bobJid);
    tabs.push(bob, ann);
    await Promise.all([joined(bob.chat, 'Bob'), joined(ann.chat, 'Ann')]);
    await type(ann.chat, 'one to one');
    await waitFor(() => bob.chat.unread === 1, 15_000, 'Bob has one unread');
    // Bob's client confirmed delivery (XEP-0184), not yet display.
    await waitFor(() => statuses(ann.chat).join() === 'delivered', 10_000, 'delivered');
    root(bob.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => statuses(ann.chat).join() === 'read', 10_000, "Ann's message displayed");

    const room = await mucRoom();
    const bobInRoom = await xmpp(bobJid, room, { mode: 'launcher' });
    const annInRoom = await xmpp(annJid, room);
    tabs.push(bobInRoom, annInRoom);
    await Promise.all([joined(bobInRoom.chat, 'Bob in the room'), joined(annInRoom.chat, 'Ann in the room')]);
    await type(annInRoom.chat, 'in the room');
    await waitFor(() => bobInRoom.chat.unread === 1, 15_000, 'Bob has one unread in the room');
    await waitFor(() => statuses(annInRoom.chat).join() === 'sent', 10_000, "the room's echo");
    root(bobInRoom.chat).querySelector<HTMLButtonElement>('.launcher')!.click();
    await waitFor(() => statuses(annInRoom.chat).join() === 'read', 10_000, "Ann's room message displayed");
  });
});
