import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { brokerProxy, brokerUrl, mqttEnv } from './mqtt-env.ts';
import { connected, env, openTab, stateText, statuses, texts, type, uniqueName, waitFor, type Tab, type TabOptions } from './tabs.ts';
import { FAST, mucRoom, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * A visitor who changes their name mid-conversation (the demo's "Your name" field, a site that
 * learns the name after a sign-in): the next message carries the new name to the others, and the
 * line shows it. The server heard the old name when the link was made (the relay's hello, the
 * presence that joins an XMPP room), so the engine makes the link again (worker/connection.ts,
 * `update`).
 */
const senderLines = (chat: ParleyChat): string[] =>
  [...chat.shadowRoot!.querySelectorAll('.message')].map(
    (el) => `${el.querySelector('.from:not(.sr-only)')?.textContent ?? ''}: ${el.querySelector('.text')?.textContent}`,
  );

describe('a visitor who renames themselves', () => {
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  /** Ann and Bob in one room, each on an engine of their own; Ann is named `first`. */
  async function pair(o: Omit<TabOptions, 'engine' | 'user'>, users: [string, string], first: Record<string, string>) {
    const annEngine = uniqueName('ann');
    const ann = await openTab({ ...o, engine: annEngine, user: users[0], attrs: first });
    const bob = await openTab({ ...o, engine: uniqueName('bob'), user: users[1] });
    tabs.push(ann, bob);
    await connected(ann.chat);
    await connected(bob.chat);
    return { ann: ann.chat, bob: bob.chat, annEngine };
  }

  /** Ann writes, renames herself with `rename`, writes again: Bob must see `names` on the two lines. */
  async function renamed(ann: ParleyChat, bob: ParleyChat, rename: () => void, names: [string, string]) {
    await type(ann, 'before');
    await waitFor(() => texts(bob).includes('before'), 10_000, '"before" at Bob');
    rename();
    // The chat stays as it was: no attach again, which would empty the list and the composer's link.
    await ann.updateComplete;
    expect(texts(ann)).to.deep.equal(['before']);
    await type(ann, 'after');
    await waitFor(() => texts(bob).includes('after'), 15_000, '"after" at Bob');
    const byText = new Map(bob.messages.map((m) => [m.text, m.name ?? m.from]));
    expect([byText.get('before'), byText.get('after')]).to.deep.equal(names);
    // The new name starts a run of its own, so it shows above the line, not only to screen readers.
    await waitFor(() => senderLines(bob).join('|') === `${names[0]}: before|${names[1]}: after`, 5_000, 'both names drawn at Bob');
    await waitFor(() => statuses(ann).length === 2 && statuses(ann).every((s) => s === 'sent' || s === 'read'), 10_000, "Ann's messages confirmed");
    await connected(ann);
  }

  it('relay: the next message goes under the new name', async () => {
    const { relayUrl } = await env();
    const { ann, bob } = await pair({ server: relayUrl, room: uniqueName('room') }, ['ann-id', 'bob-id'], { name: 'Ann' });
    await renamed(ann, bob, () => (ann.name = 'Ann Lee'), ['Ann', 'Ann Lee']);
    // The link was made again on purpose: its health says why, and counts no drop.
    const [link] = (await ann.session.client!.api.health()).connections;
    expect(link!.changes.filter((c) => c.to === 'reconnecting').map((c) => c.reason)).to.deep.equal(['settings-changed']);
    expect(link!.reconnects).to.equal(0);
  });

  it('MQTT (aedes): the next message goes under the new name', async () => {
    const server = await brokerUrl('aedes');
    const { ann, bob } = await pair({ server, protocol: 'mqtt', room: uniqueName('room'), options: FAST }, ['ann-id', 'bob-id'], { name: 'Ann' });
    await renamed(ann, bob, () => (ann.name = 'Ann Lee'), ['Ann', 'Ann Lee']);
  });

  it('XMPP room (Prosody): a new nickname is taken in the room, and the next message goes under it', async function () {
    this.timeout(60_000);
    const { url, password } = await xmppEnv();
    const room = await mucRoom('rename');
    const users = [await xmppUser('ann'), await xmppUser('bob')] as [string, string];
    const nick = uniqueName('ann');
    const { ann, bob } = await pair({ server: url, protocol: 'xmpp', password, room, options: FAST }, users, { nickname: nick });
    await renamed(ann, bob, () => (ann.nickname = `${nick}-lee`), [nick, `${nick}-lee`]);
  });

  it("a tab that opens with an older name does not take the link back to it; only the tab's own change renames", async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const { ann: first, bob, annEngine: engine } = await pair({ server: relayUrl, room }, ['ann-id', 'bob-id'], { name: 'Ann' });
    first.name = 'Ann Lee';
    // A page rendered before the rename, in another tab of the same browser.
    const stale = await openTab({ engine, user: 'ann-id', server: relayUrl, room, attrs: { name: 'Ann' } });
    tabs.push(stale);
    await connected(stale.chat);
    await connected(first);
    await type(stale.chat, 'from the older page');
    await waitFor(() => texts(bob).includes('from the older page'), 10_000, 'the message at Bob');
    expect(bob.messages.find((m) => m.text === 'from the older page')?.name).to.equal('Ann Lee');
    const [link] = (await first.session.client!.api.health()).connections;
    expect(link!.changes.filter((c) => c.reason === 'settings-changed' && c.to === 'reconnecting')).to.have.length(1);
    // The older tab renames on its own: that counts.
    stale.chat.name = 'Annie';
    await type(stale.chat, 'renamed again');
    await waitFor(() => texts(bob).includes('renamed again'), 10_000, 'the second message at Bob');
    expect(bob.messages.find((m) => m.text === 'renamed again')?.name).to.equal('Annie');
  });

  it("MQTT: a tab with no password leaves another tab's login, which the next link still uses", async function () {
    this.timeout(60_000);
    const { guardedUser } = await mqttEnv();
    const proxy = await brokerProxy('mosquitto', true);
    try {
      const engine = uniqueName('guarded');
      const room = uniqueName('room');
      const o = { engine, user: guardedUser.user, room, protocol: 'mqtt', server: proxy.url, options: FAST };
      const signedIn = await openTab({ ...o, password: guardedUser.password });
      tabs.push(signedIn);
      await connected(signedIn.chat);
      const other = await openTab(o);
      tabs.push(other);
      await connected(other.chat);
      // The broker goes away and comes back: the next link logs in with the password it had.
      await proxy.set('refuse');
      await waitFor(() => stateText(signedIn.chat) !== 'Connected', 10_000, 'the link dropped');
      await proxy.set('forward');
      await connected(signedIn.chat, 20_000);
      await type(other.chat, 'still signed in');
      await waitFor(() => statuses(other.chat).join() === 'sent', 10_000, 'the message sent');
    } finally {
      await proxy.stop();
    }
  });

  it('a tab that names no one leaves the name another tab of the same visitor set', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const { bob, annEngine: engine } = await pair({ server: relayUrl, room }, ['ann-id', 'bob-id'], { name: 'Ann' });
    // A second tab of Ann's, on a page that sets no name, joins the same link.
    const unnamed = await openTab({ engine, user: 'ann-id', server: relayUrl, room });
    tabs.push(unnamed);
    await connected(unnamed.chat);
    await type(unnamed.chat, 'from the second tab');
    await waitFor(() => texts(bob).includes('from the second tab'), 10_000, 'the message at Bob');
    expect(bob.messages.find((m) => m.text === 'from the second tab')?.name).to.equal('Ann');
  });
});
