import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { XSS_CORPUS } from '../fixtures/xss-corpus.ts';
import { armHook, checkRow, ran, unsafe } from './xss-check.ts';
import { brokerUrl, FAST as MQTT_FAST, roomTopic } from './mqtt-env.ts';
import { connected, env, FAST, openTab, uniqueName, waitFor, type Tab } from './tabs.ts';
import { startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Every payload of test/fixtures/xss-corpus.ts, from a peer on each protocol, as a message's
 * text, its sender's name, a file's name and a file's URL, and as the name of a room a widget
 * opens: nothing runs, no dangerous URL reaches `src` or `href`, and the text reads as sent
 * (test/browser/xss-check.ts). XMPP room names are JIDs, which cannot hold these payloads.
 */
const corpus = XSS_CORPUS.map((p, i) => ({ ...p, i }));

interface Sent {
  id: string;
  text: string;
  files?: { name: string; url: string; type: string; size: number }[];
}

/** Message A: the payload as text, sender name and file name. B: the payload as a file's URL. */
const messages = (p: { text: string; i: number }, prefix: string): [Sent, Sent] => [
  { id: `${prefix}-a-${p.i}`, text: p.text, files: [{ name: p.text, url: `https://files.invalid/${p.i}.txt`, type: 'text/plain', size: 10 }] },
  { id: `${prefix}-b-${p.i}`, text: `url ${p.i}`, files: [{ name: `u${p.i}`, url: p.text, type: 'image/png', size: 10 }] },
];

/**
 * Moves one widget through rooms named by the payloads (a new `room` opens it anew, as a page
 * would); `send` has a peer write `in the room` there with id `room-<i>`.
 */
async function roomsNamedByPayloads(tab: Tab, send: (room: string, id: string) => Promise<void>): Promise<void> {
  for (const p of corpus) {
    const what = `room named by ${p.group} payload ${p.i}`;
    tab.chat.room = p.text;
    await tab.chat.updateComplete;
    await tab.chat.session.ready;
    await connected(tab.chat).catch((e) => {
      throw new Error(`${e.message}: ${what}`);
    });
    await send(p.text, `room-${p.i}`);
    await checkRow(tab, { id: `room-${p.i}`, text: 'in the room' }, what);
    expect(tab.chat.shadowRoot!.querySelector('h2')?.textContent, `${what}: the heading, as text`).to.equal(p.text);
  }
}

describe('XSS corpus on every protocol', function () {
  this.timeout(180_000);
  it(`has at least 60 payloads in every group the issue names (${XSS_CORPUS.length})`, () => {
    expect(XSS_CORPUS.length).to.be.at.least(60);
    expect(new Set(XSS_CORPUS.map((p) => p.group))).to.have.all.keys('script', 'handlers', 'svg', 'mathml', 'links', 'templates', 'mutation', 'css', 'text');
  });

  it('JSON relay: as text, sender name, file name and URL, and room name', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('xss');
    const engine = uniqueName('xss');
    const tab = await openTab({ engine, user: 'Ann', server: relayUrl, room, options: FAST });
    await connected(tab.chat);
    armHook(tab);
    for (const p of corpus) {
      // The relay names the sender from its hello, so each payload is a peer of its own; it
      // takes names of 1 to 64 characters (demo/relay.ts).
      const name = p.text.slice(0, 64);
      const peer = await RelayPeer.open(relayUrl, `peer-${p.i}`, name);
      await peer.join(room);
      const [a, b] = messages(p, 'relay');
      expect(await peer.send(room, a), `payload ${p.i} sent`).to.equal('ack');
      await checkRow(tab, { id: a.id, text: p.text, name, files: [p.text] }, `relay ${p.group} payload ${p.i}`);
      // A file URL that is not http(s) is refused by the relay; one that is arrives.
      if ((await peer.send(room, b)) === 'ack') await checkRow(tab, { id: b.id, text: b.text }, `relay ${p.group} URL ${p.i}`);
      peer.close();
    }
    const peer = await RelayPeer.open(relayUrl, 'roomer');
    await roomsNamedByPayloads(tab, async (r, id) => {
      await peer.join(r);
      expect(await peer.send(r, { id, text: 'in the room' })).to.equal('ack');
    });
    tab.close();
    peer.close();
  });

  it('MQTT: as text, sender name, file name and URL, and room name', async () => {
    const server = await brokerUrl('mosquitto');
    const room = uniqueName('xss');
    const engine = uniqueName('xss');
    const tab = await openTab({ engine, user: 'Ann', server, room, protocol: 'mqtt', options: MQTT_FAST });
    await connected(tab.chat);
    armHook(tab);
    const payload = (m: Sent, name?: string) => JSON.stringify({ id: m.id, from: `peer-${m.id}`, name, text: m.text, ts: Date.now(), attachments: m.files });
    // One payload at a time: the list draws only the rows in view.
    for (const p of corpus) {
      const [a, b] = messages(p, 'mqtt');
      await publish([roomTopic(room)], [payload(a, p.text), payload(b)]);
      await checkRow(tab, { id: a.id, text: p.text, name: p.text, files: [p.text] }, `MQTT ${p.group} payload ${p.i}`);
      // The engine drops a file whose URL is not http(s), and shows the message.
      await checkRow(tab, { id: b.id, text: b.text }, `MQTT ${p.group} URL ${p.i}`);
    }
    await roomsNamedByPayloads(tab, (r, id) => publish([roomTopic(r)], [JSON.stringify({ id, from: 'roomer', text: 'in the room', ts: Date.now() })]));
    tab.close();
  });

  it('XMPP (slixmpp): as text, file name and URL (XEP-0066) one-to-one, and as a nickname in a room', async () => {
    const { url, password, muc } = await xmppEnv();
    const ann = await xmppUser('ann');
    const peer = await startPeer('mallory');
    const tab = await openTab({ engine: uniqueName('xss'), protocol: 'xmpp', server: url, user: ann, password, room: peer.jid, options: FAST });
    await connected(tab.chat);
    armHook(tab);
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const oob = (f: { name: string; url: string }) => `<x xmlns="jabber:x:oob"><url>${esc(f.url)}</url><desc>${esc(f.name)}</desc></x>`;
    for (const p of corpus) {
      const [a, b] = messages(p, 'xmpp');
      for (const m of [a, b])
        await peer.do({ op: 'raw', xml: `<message type="chat" to="${ann}" id="${m.id}"><body>${esc(m.text)}</body>${m.files!.map(oob).join('')}</message>` });
      await checkRow(tab, { id: a.id, text: p.text, files: [p.text] }, `XMPP ${p.group} payload ${p.i}`);
      await checkRow(tab, { id: b.id }, `XMPP ${p.group} URL ${p.i}`);
    }
    tab.close();

    // A room, where the sender's name is the nickname the peer takes (XEP-0045 §7.6).
    const mucRoom = `${uniqueName('xss')}@${muc}`;
    const roomTab = await openTab({ engine: uniqueName('xss'), protocol: 'xmpp', server: url, user: ann, password, room: `${mucRoom}?join`, options: FAST });
    await connected(roomTab.chat);
    armHook(roomTab);
    let refused = 0;
    // RFC 7622 §3.2 (resourceprep) forbids bidi controls and zero-width characters in a
    // nickname; Prosody ends the stream of a client that asks for one, so those are left out.
    for (const p of corpus.filter((c) => !/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u.test(c.text))) {
      // XML normalises white space in an attribute value (XML 1.0 §3.3.3), and `from` is one.
      const nick = p.text.replace(/[\t\n\r]/g, ' ');
      await peer.do({ op: 'raw', xml: `<presence to="${esc(`${mucRoom}/${nick}`)}"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>` });
      await peer.do({ op: 'raw', xml: `<message type="groupchat" to="${mucRoom}" id="nick-${p.i}"><body>from a nick</body></message>` });
      await peer.sync().catch((e) => {
        throw new Error(`${e.message} after the nickname of ${p.group} payload ${p.i}`);
      });
      // A nickname that resourceprep forbids (RFC 7622 §3.4: controls, bidi marks) is refused by the room.
      const row = await waitFor(() => roomTab.chat.shadowRoot!.querySelector(`[data-id="nick-${p.i}"]`), 2_000, 'the row').catch(() => undefined);
      if (!row) {
        refused += 1;
        continue;
      }
      // The room applies the nickname profile (RFC 7700 §2.2): other spaces become a space, then NFKC.
      const shown = nick.replace(/\u00a0/g, ' ').normalize('NFKC');
      await checkRow(roomTab, { id: `nick-${p.i}`, text: 'from a nick', name: shown }, `XMPP nickname ${p.group} payload ${p.i}`);
    }
    expect(refused, 'nicknames the room refused').to.be.below(corpus.length / 2);
    expect(unsafe(roomTab.chat)).to.deep.equal([]);
    expect(ran(roomTab)).to.deep.equal([]);
    roomTab.close();
    await peer.stop();
  });
});

/** MQTT publishes from a plain client (mqtt.js in the test runner), all to Mosquitto. */
async function publish(topics: string[], payloads: string[]): Promise<void> {
  const bytes = (s: string) => btoa(Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join(''));
  // mqtt-publish-raw sends payload i to topic i % topics.length, QoS 1 on the first topic.
  for (let at = 0; at < payloads.length; at += topics.length)
    await executeServerCommand('mqtt-publish-raw', { broker: 'mosquitto', topics, payloads: payloads.slice(at, at + topics.length).map(bytes) });
}

/** A peer on the JSON relay, speaking its wire format (worker/transports/json/wire.ts) over a WebSocket of its own. */
class RelayPeer {
  #frames: Record<string, unknown>[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => this.#frames.push(JSON.parse(String(e.data)) as Record<string, unknown>));
  }

  static async open(url: string, user: string, name?: string): Promise<RelayPeer> {
    const ws = new WebSocket(url);
    await new Promise((opened, failed) => (ws.addEventListener('open', opened), ws.addEventListener('error', failed)));
    const peer = new RelayPeer(ws);
    ws.send(JSON.stringify({ type: 'hello', v: 1, user, name }));
    const answer = await peer.#next((f) => f.type === 'welcome' || f.type === 'error');
    if (answer.type === 'error') throw new Error(`the relay refused the hello of ${JSON.stringify(name)}: ${answer.message}`);
    return peer;
  }

  #next(match: (f: Record<string, unknown>) => boolean) {
    return waitFor(() => this.#frames.find(match), 10_000, 'a frame from the relay');
  }

  async join(room: string): Promise<void> {
    this.ws.send(JSON.stringify({ type: 'join', room }));
    await this.#next((f) => f.type === 'joined' && f.room === room);
  }

  /** 'ack', or the code of the relay's refusal. */
  async send(room: string, m: Sent): Promise<string> {
    this.ws.send(JSON.stringify({ type: 'msg', id: m.id, room, text: m.text, ts: Date.now(), attachments: m.files }));
    const answer = await this.#next((f) => (f.type === 'ack' || f.type === 'error') && f.id === m.id);
    return answer.type === 'ack' ? 'ack' : String(answer.code);
  }

  close(): void {
    this.ws.close();
  }
}
