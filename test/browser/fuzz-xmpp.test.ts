import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ErrorInfo } from '../../worker/api.ts';
import { engineClient } from '../../widget/engine-client.ts';
import { Fuzz } from '../support/fuzz.ts';
import { XmlFuzz } from '../support/fuzz-xml.ts';
import type { HostileXmppState } from '../support/wtr-hostile-xmpp.ts';
import { connected, FAST, openTab, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';

/** The engine's first link's state changes, `to:reason` each: why a failure's link went where it did. */
async function linkChanges(engine: string): Promise<string> {
  const link = (await (await engineClient(engine)).api.health()).connections[0];
  return link?.changes.map((c) => `${c.to}:${c.reason}`).join(' ') ?? 'none';
}

/** Frames in all: the issue asks for at least 10 000 per transport. */
const FRAMES = 10_000;
const BATCH = 500;
/** One batch in this many ends with a frame that is not XML, which ends the stream. */
const FATAL_EVERY = 3;
/** Reports a flood of bad input may produce: a few codes, about one a second each. */
const MAX_REPORTS = 500;

describe('fuzzing the XMPP transport', () => {
  it(`survives ${FRAMES} hostile stanzas from a hostile server: no uncaught error, the link kept or resumed, queued messages sent, valid ones shown`, async function () {
    this.timeout(240_000);
    const seed = (await executeServerCommand('fuzz-seed')) as number;
    console.log(`fuzz-xmpp seed ${seed} (PARLEY_FUZZ_SEED=${seed} replays it)`);
    const url = (await executeServerCommand('hostile-xmpp-url')) as string;
    const user = `${uniqueName('ann')}@hostile.test`;
    const peer = 'mallory@hostile.test';
    const x = new XmlFuzz(new Fuzz(seed), peer, user);
    const engine = uniqueName('fuzz');
    const tab = await openTab({ engine, protocol: 'xmpp', server: url, user, password: 'secret', room: peer, options: FAST });
    await connected(tab.chat);
    const errors: ErrorInfo[] = [];
    tab.chat.addEventListener('parley-error', (e) => errors.push((e as CustomEvent<{ error: ErrorInfo }>).detail.error));
    const state = async () => (await executeServerCommand('hostile-xmpp-state', { user })) as HostileXmppState;

    const good: string[] = [];
    const mine: string[] = [];
    let fatal = 0;
    const started = performance.now();
    for (let sent = 0; sent < FRAMES; sent += BATCH) {
      // The last one valid: stores go in arrival order, so once it shows, the batch is stored.
      const frames = Array.from({ length: BATCH }, (_, i) => (x.f.next() < 0.15 || i === BATCH - 1 ? x.valid(sent + i) : { raw: x.stanza(sent + i) }));
      const valid = frames.flatMap((fr) => ('good' in fr ? [fr.good] : []));
      good.push(...valid);
      const last = (sent / BATCH) % FATAL_EVERY === FATAL_EVERY - 1 ? x.fatal() : undefined;
      if (last !== undefined) fatal += 1;
      // An ack request at the end lets the server drop what the client has handled (XEP-0198 §4).
      const reached = await executeServerCommand('hostile-xmpp-send', { user, frames: [...frames.map((fr) => fr.raw), `<r xmlns="urn:xmpp:sm:3"/>`] });
      expect(reached, 'the engine is still online').to.be.greaterThan(0);
      await waitFor(() => valid.every((t) => texts(tab.chat).includes(t)), 20_000, `batch ${sent / BATCH + 1}`).catch(async (e) => {
        const link = await linkChanges(engine);
        const missing = valid.filter((t) => !texts(tab.chat).includes(t));
        throw new Error(
          `${e.message}: ${missing.length} of ${valid.length} missing, e.g. ${missing.slice(0, 3)} (seed ${seed}); ` +
            `link: ${link}; errors: ${[...new Set(errors.map((r) => r.code))]}`,
        );
      });
      // The visitor keeps writing through it all.
      mine.push(`mine ${sent}`);
      await type(tab.chat, mine.at(-1)!);
      // Only once the batch is stored: this server keeps no archive, so a message in flight
      // when the stream ends would be gone for good, the test's loss and not the engine's.
      if (last !== undefined) {
        // Then a probe: shown on this stream if it survived, else resent when it resumes (§5).
        const probe = `probe ${sent}`;
        good.push(probe);
        await executeServerCommand('hostile-xmpp-send', { user, frames: [], last });
        const frames = [`<message type="chat" from="${peer}/x" id="probe-${sent}"><body>${probe}</body></message>`];
        // Between the old socket's end and the new one's login the server has no one to send to.
        await waitFor(async () => ((await executeServerCommand('hostile-xmpp-send', { user, frames })) as number) > 0, 15_000, 'a socket for the probe');
        await waitFor(() => texts(tab.chat).includes(probe), 20_000, 'a message after a frame that is not XML').catch(async (e) => {
          throw new Error(`${e.message} (seed ${seed}; the frame: ${JSON.stringify(last.slice(0, 300))}): link ${await linkChanges(engine)}; server ${JSON.stringify({ ...(await state()), bodies: undefined })}`);
        });
      }
    }
    const missing = () => good.filter((t) => !texts(tab.chat).includes(t));
    await waitFor(() => missing().length === 0, 30_000, 'every valid message').catch((e) => {
      throw new Error(`${e.message}: ${missing().length} missing, e.g. ${missing().slice(0, 3)} (seed ${seed})`);
    });
    // At least sent: the peer's frames include receipts and read markers, some naming ours.
    const confirmed = ['sent', 'delivered', 'read'];
    await waitFor(() => statuses(tab.chat).length === mine.length && statuses(tab.chat).every((s) => confirmed.includes(s)), 20_000, 'all of mine sent').catch((e) => {
      throw new Error(`${e.message}: ${statuses(tab.chat)} (seed ${seed})`);
    });
    const server = await state();
    expect(mine.filter((t) => !server.bodies.includes(t)), 'every queued message reached the server').to.deep.equal([]);
    console.log(`fuzz-xmpp: ${FRAMES} frames (${fatal} of them not XML) in ${Math.round(performance.now() - started)} ms; ${server.resumed} resumptions`);

    const client = await engineClient(engine);
    expect((await client.api.stats()).uncaught, `seed ${seed}`).to.deep.equal({ count: 0 });
    // Reported, but not one event each: at most one a second per code (worker/error-throttle.ts).
    expect(errors.length, 'bad input is reported').to.be.greaterThan(0);
    expect(errors.length, 'without flooding the tab').to.be.below(MAX_REPORTS);
    // A frame that is not XML ends the stream (RFC 6120 §4.9.3.13); each came back resumed, none afresh.
    expect(server.links - 1, 'streams after the first').to.be.greaterThan(0);
    // A stream that ended before <enabled/>, or while a <resume/> went unanswered, would bind afresh: its link's changes say why.
    expect(server.resumed, `of them resumed (seed ${seed}; link ${await linkChanges(engine)})`).to.equal(server.links - 1);
    expect(tab.chat.shadowRoot!.querySelector('.message .text script, .message .text img, .message .text x')).to.equal(null);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    await connected(tab.chat);
    tab.close();
  });
});
