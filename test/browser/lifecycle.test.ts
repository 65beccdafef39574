import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import { engineClient } from '../../widget/engine-client.ts';
import { connectionKey } from '../../worker/api.ts';
import { DB_VERSION } from '../../worker/db.ts';
import '../../widget/index.ts';
import { env, eventually, openTab, reloadTab, startProxy, stateText, texts, type, uniqueName, waitFor } from './tabs.ts';

const connected = (chat: Parameters<typeof stateText>[0]) => waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');

describe('engine lifecycle', () => {
  // The worker lives on here because this page holds it: iframes never show what a reload of
  // the only top-level tab does to a SharedWorker. test/e2e/ tests that with a real tab.
  it('keeps the socket while a tab reloads beside another that keeps the engine alive, and closes it a grace period after its last tab', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('grace');
    const client = await engineClient(engine);
    const options = { idleGrace: 1_500 };
    let gus = await openTab({ engine, user: 'Gus', server: relayUrl, options });
    const hal = await openTab({ engine, user: 'Hal', server: relayUrl, options });
    await connected(gus.chat);
    await connected(hal.chat);
    const gusKey = connectionKey({ protocol: 'websocket', url: relayUrl, user: 'Gus' });

    gus = await reloadTab(gus);
    await connected(gus.chat);
    expect((await client.api.stats()).opens[gusKey], 'a reload reuses the open socket').to.equal(1);

    // Gus's connection lingers for the grace period after the engine learns that its tab is gone
    // (the tab lock, shortly after the close), then closes. The engine's own count, not the
    // relay's, which other tests' engines also move.
    const closedAt = performance.now();
    gus.close();
    await eventually(async () => (await client.api.stats()).connections === 1, 5_000, 'the idle connection closed');
    expect(performance.now() - closedAt, 'ms it lingered').to.be.at.least(options.idleGrace);
    expect(stateText(hal.chat)).to.equal('Connected');
    hal.close();
  });

  it('shows every message of a stream in tabs that open the conversation in the middle of it', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('joiner');
    const room = uniqueName('room');
    const first = await openTab({ engine, user: 'Ann', server: relayUrl, room });
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await connected(first.chat);
    await connected(bob.chat);
    await waitFor(() => first.chat.session.joined && bob.chat.session.joined, 10_000, 'both joined');
    // Tabs of Ann's engine open while Bob's messages arrive: each opens with a page the engine
    // read at some moment of the stream, and must show what arrived after that moment too.
    const said = Array.from({ length: 120 }, (_, i) => `stream ${i + 1}`);
    const late: Awaited<ReturnType<typeof openTab>>[] = [];
    for (const [i, text] of said.entries()) {
      void bob.chat.send(text);
      if (i % 20 === 10) late.push(await openTab({ engine, user: 'Ann', server: relayUrl, room }));
      else await new Promise((r) => setTimeout(r, 3));
    }
    const has = (chat: typeof first.chat, t: string) => chat.messages.some((m) => m.text === t);
    await waitFor(() => said.every((t) => has(first.chat, t)), 15_000, 'the whole stream in the first tab');
    // A tab opens on the newest page (older ones load as the reader scrolls up): from its oldest
    // line on, nothing may be missing.
    const missing = (chat: typeof first.chat) => said.slice(Math.max(0, said.findIndex((t) => has(chat, t)))).filter((t) => !has(chat, t));
    await waitFor(() => late.every((t) => missing(t.chat).length === 0 && has(t.chat, said.at(-1)!)), 5_000, 'the rest of the stream in every tab opened during it').catch((e: Error) => {
      throw new Error(`${e.message}: missing ${late.map((t) => missing(t.chat).join(' ') || 'none').join(' / ')}`);
    });
    for (const t of [first, bob, ...late]) t.close();
  });

  it('keeps a widget live when another widget for the same room leaves the page', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('twins');
    const room = uniqueName('room');
    const make = () => {
      const chat = document.createElement('parley-chat');
      Object.assign(chat, { engine, server: relayUrl, room, user: 'Tess' });
      document.body.append(chat);
      return chat;
    };
    const first = make();
    const second = make();
    await connected(first);
    await connected(second);
    first.remove();
    // Comlink answers calls on one port in order: once the engine answers this, it has
    // handled the removed widget's leave().
    await (await engineClient(engine)).api.stats();
    const peer = await openTab({ engine: uniqueName('peer'), user: 'Pat', server: relayUrl, room });
    await type(peer.chat, 'still there?');
    await waitFor(() => texts(second).includes('still there?'), 5_000, 'the message at the remaining widget');
    second.remove();
    peer.close();
  });

  it('steps aside when a newer widget version upgrades the database', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('upgrade');
    const tab = await openTab({ engine, user: 'Una', server: relayUrl });
    await connected(tab.chat);
    // The engine holds the database open; a newer widget asks for the next version.
    const newer = openDB(`parley:${engine}`, DB_VERSION + 1, { upgrade: (db) => void db.createObjectStore('v2') });
    let upgraded: Awaited<typeof newer> | undefined;
    void newer.then((db) => (upgraded = db));
    const db = await waitFor(() => upgraded, 3_000, 'the upgrade, not blocked by the engine');
    expect([...db.objectStoreNames]).to.include('v2');
    db.close();
    tab.close();
  });

  it('tells the visitor when the next attempt is, and offers Retry now', async () => {
    const proxy = await startProxy();
    const tab = await openTab({ engine: uniqueName('countdown'), user: 'Cat', server: proxy.url, options: { backoffBase: 60_000, backoffCap: 60_000 } });
    await connected(tab.chat);
    await proxy.mode('refuse');
    // Jitter may pick a short delay; wait for a countdown of at least one second.
    const text = await waitFor(() => /^Reconnecting in (\d+) s…$/.exec(stateText(tab.chat)), 10_000, 'a countdown');
    expect(Number(text[1])).to.be.within(1, 60);
    await proxy.mode('forward');
    tab.chat.shadowRoot!.querySelector<HTMLButtonElement>('button.retry-now')!.click();
    await connected(tab.chat);
    tab.close();
  });
});
