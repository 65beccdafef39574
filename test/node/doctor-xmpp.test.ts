import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { Prosody } from '../../demo/prosody.ts';
import { doctor, fixOf, lineOf } from '../support/doctor-cli.ts';

const USER = 'doc';
const PASSWORD = 'doc-secret';
const JID = `${USER}@localhost`;

describe('parley doctor against Prosody', () => {
  let prosody: Prosody;
  before(async () => {
    // Debug logs say whether a session ended or went into hibernation (XEP-0198).
    prosody = await Prosody.start({ logLevel: 'debug' });
    prosody.register(USER, PASSWORD);
  });
  after(() => prosody.stop());

  it('passes every layer: stream features, SASL, a ping, and a MUC message that comes back', async () => {
    const room = 'doctor@conference.localhost?join';
    const r = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD, '--room', room]);
    assert.equal(r.code, 0, r.stdout + r.stderr + prosody.log());
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^ok .* HTTP 101, subprotocol xmpp$/);
    assert.match(
      lineOf(r.stdout, 'handshake')!,
      /^ok .* stream features \(SASL [A-Z0-9-, ]*PLAIN[A-Z0-9-, ]*\) → SASL PLAIN accepted → resource bound → stream management on \(XEP-0198\)$/,
    );
    assert.match(lineOf(r.stdout, 'round trip')!, /^ok .* ping \(XEP-0198 <r\/> → <a\/>, or XEP-0199\) in \d+ ms$/);
    assert.match(lineOf(r.stdout, 'message')!, new RegExp(`^ok .* sent to "${room.replace(/[?.]/g, '\\$&')}" and seen coming back on a second link`));
  });

  it('closes its streams, so the server keeps no session (and no MUC occupant) for resumption', async () => {
    const from = prosody.log().length;
    const r = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD, '--room', 'farewell@conference.localhost?join']);
    assert.equal(r.code, 0, r.stdout);
    // Both links (sender and listener) end one way or the other; wait for Prosody to say which.
    const ends = /Revoking resumption token|Session going into hibernation/g;
    const ended = () => [...prosody.log().slice(from).matchAll(ends)].map((m) => m[0]);
    const deadline = Date.now() + 10_000;
    while (ended().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ended(), ['Revoking resumption token', 'Revoking resumption token']);
  });

  it('names a SASL failure for a wrong password', async () => {
    const r = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', 'wrong']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* SASL failure: The XMPP server refused the user name or password \(not-authorized\)/);
    assert.equal(fixOf(r.stdout), 'check --user (a bare JID, e.g. ann@example.com) and --password');
  });

  it('names a domain the server does not serve', async () => {
    const r = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', 'doc@elsewhere.test', '--password', PASSWORD, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.failed, 'handshake');
    const failed = report.layers.at(-1);
    assert.match(failed.detail, /^The XMPP server ended the stream: host-unknown/);
    assert.equal(failed.fix, 'the server does not serve the domain of --user (elsewhere.test): check the JID');
  });

  it('says "HTTP 404 on upgrade" for a wrong path', async () => {
    const r = await doctor([`ws://127.0.0.1:${prosody.httpPort}/websocket`, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^FAIL .* HTTP 404 on upgrade: nothing at \/websocket$/);
    assert.equal(fixOf(r.stdout), 'check the path, e.g. /xmpp-websocket');
  });

  it('says a WebSocket request without the xmpp subprotocol was refused, when --protocol is left out', async () => {
    const r = await doctor([prosody.websocketUrl]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^FAIL .* HTTP 501 on upgrade: the server refused this WebSocket request \(sent without a subprotocol\)$/);
    assert.match(fixOf(r.stdout)!, /^check that --protocol matches the server at this URL/);
  });

  it('says "connection refused" while Prosody is down, and passes once it is back', async () => {
    await prosody.kill();
    const down = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD]);
    assert.equal(down.code, 1);
    assert.match(lineOf(down.stdout, 'TCP connect')!, new RegExp(`^FAIL .* connection refused: nothing listens on 127\\.0\\.0\\.1:${prosody.httpPort}$`));
    await prosody.resume();
    const up = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD]);
    assert.equal(up.code, 0, up.stdout);
  });
});

describe('parley doctor against a Prosody that offers PLAIN only over TLS', () => {
  let prosody: Prosody;
  before(async () => {
    prosody = await Prosody.start();
    prosody.register(USER, PASSWORD);
    // Prosody's defaults: over an unencrypted link it offers SCRAM only.
    await prosody.kill();
    const config = readFileSync(prosody.configFile, 'utf8')
      .replace('allow_unencrypted_plain_auth = true', 'allow_unencrypted_plain_auth = false')
      .replace('consider_websocket_secure = true', 'consider_websocket_secure = false');
    writeFileSync(prosody.configFile, config);
    await prosody.resume();
  });
  after(() => prosody.stop());

  it('says there is no SASL mechanism in common over ws://, and to use wss://', async () => {
    const r = await doctor([prosody.websocketUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* no SASL mechanism in common: the server offers SCRAM-SHA-1 over an unencrypted link$/);
    assert.equal(fixOf(r.stdout), 'use a wss:// URL: Parley logs in with PLAIN, which servers offer only over TLS unless told otherwise');
  });
});

describe('parley doctor with the wrong --protocol', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-doctor-xmpp-'));
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: dataDir });
  });
  after(async () => {
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('times out at the handshake, naming it, when the endpoint speaks another protocol', async () => {
    const r = await doctor([demo.relayUrl, '--protocol', 'xmpp', '--user', JID, '--password', PASSWORD, '--timeout', '1500']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* handshake timeout: no stream features within 1500 ms after the stream opened$/);
    assert.equal(fixOf(r.stdout), 'the endpoint accepts WebSocket but does not answer XMPP: check the path, e.g. /xmpp-websocket, and --protocol');
  });
});
