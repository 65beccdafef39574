import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { doctor, fixOf, lineOf, runNode } from '../support/doctor-cli.ts';
import { freePort } from '../support/free-port.ts';
import { startMuteRelay, startPlainHttpServer, startSilentServer, type OddServer } from '../support/odd-servers.ts';
import { dnsFailure } from '../../cli/doctor/dns.ts';
import { makeSelfSignedCert, removeCert, TlsFront, type TestCertificate } from '../support/tls-front.ts';

const TOKEN = 'doctor-token';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'parley-doctor-relay-'));
let demo: DemoServer;

describe('parley doctor against the demo relay', () => {
  before(async () => {
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: dataDir, token: TOKEN });
  });
  after(() => demo.close());

  it('passes every layer, one line each with its time, and sends a message that comes back', async () => {
    const r = await doctor([demo.relayUrl, '--password', TOKEN, '--room', 'doctor-room']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `parley doctor ${demo.relayUrl} (websocket)`);
    assert.match(lineOf(r.stdout, 'DNS')!, /^ok\s+DNS\s+\d+ ms\s+127\.0\.0\.1 is an address/);
    assert.match(lineOf(r.stdout, 'TCP connect')!, new RegExp(`^ok .* \\d+ ms  connected to 127\\.0\\.0\\.1:${demo.port}$`));
    assert.match(lineOf(r.stdout, 'TLS')!, /^--\s+TLS\s+not used \(ws:\/\/\)$/);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^ok .* \d+ ms  HTTP 101, subprotocol none$/);
    assert.match(lineOf(r.stdout, 'handshake')!, /^ok .* \d+ ms  hello → welcome as parley-doctor \(token accepted\)$/);
    assert.match(lineOf(r.stdout, 'round trip')!, /^ok .* \d+ ms  ping → pong in \d+ ms$/);
    assert.match(lineOf(r.stdout, 'message')!, /^ok .* \d+ ms  sent to "doctor-room" and seen coming back on a second link, acknowledged by the server$/);
    assert.match(lines.at(-1)!, /^all layers passed in \d+ ms$/);
  });

  it('prints the same as one JSON object with --json, without the password', async () => {
    const r = await doctor([demo.relayUrl, '--password', TOKEN, '--user', 'Monitor', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['layers', 'ms', 'ok', 'protocol', 'url']);
    assert.equal(report.ok, true);
    assert.equal(report.protocol, 'websocket');
    assert.equal(report.url, demo.relayUrl);
    assert.deepEqual(
      report.layers.map((l: { layer: string; status: string }) => `${l.layer}:${l.status}`),
      ['dns:ok', 'tcp:ok', 'tls:skip', 'upgrade:ok', 'handshake:ok', 'round-trip:ok', 'message:skip'],
    );
    for (const l of report.layers) assert.equal(typeof l.ms, 'number');
    assert.deepEqual(report.layers[3].facts, { status: 101, subprotocol: 'none' });
    assert.equal(report.layers[4].detail, 'hello → welcome as Monitor (token accepted)');
    assert.ok(!r.stdout.includes(TOKEN), 'the token is not in the report');
  });

  it('names a wrong token at the handshake, with exit code 1', async () => {
    const r = await doctor([demo.relayUrl, '--password', 'wrong']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* the relay refused the login: The token is wrong or missing\. \(auth\)$/);
    assert.equal(fixOf(r.stdout), "check --password: it must be the relay's token");
    assert.match(r.stdout.trim().split('\n').at(-1)!, /^failed at handshake after \d+ ms$/);
    assert.equal(lineOf(r.stdout, 'round trip'), undefined, 'no layer runs after the one that failed');
  });

  it('says that a token is wanted when none was given', async () => {
    const r = await doctor([demo.relayUrl, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.failed, 'handshake');
    const failed = report.layers.at(-1);
    assert.deepEqual(
      { layer: failed.layer, status: failed.status, detail: failed.detail, fix: failed.fix },
      {
        layer: 'handshake',
        status: 'fail',
        detail: 'the relay refused the login: The token is wrong or missing. (auth)',
        fix: 'this relay wants a token: pass it with --password',
      },
    );
  });

  it('names a wrong path at the upgrade', async () => {
    const r = await doctor([`ws://127.0.0.1:${demo.port}/chat`, '--password', TOKEN]);
    assert.equal(r.code, 1);
    assert.match(
      lineOf(r.stdout, 'WebSocket upgrade')!,
      new RegExp(`^FAIL .* the server closed the connection during the WebSocket upgrade on 127\\.0\\.0\\.1:${demo.port}$`),
    );
    assert.equal(fixOf(r.stdout), 'check the path, e.g. /relay; a server hangs up on an upgrade for a path it does not serve');
  });

  it('says "connection refused" when the relay is down', async () => {
    const port = await freePort();
    const r = await doctor([`ws://127.0.0.1:${port}/relay`]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'TCP connect')!, new RegExp(`^FAIL .* connection refused: nothing listens on 127\\.0\\.0\\.1:${port}$`));
    assert.equal(fixOf(r.stdout), 'start the server, or check the port in the URL');
  });

  it('says the relay is not an MQTT broker when --protocol is wrong', async () => {
    const r = await doctor([demo.mqttUrl, '--protocol', 'websocket']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* the server closed the link before welcome: WebSocket closed \(1006\)$/);
    assert.equal(fixOf(r.stdout), "is this a Parley relay? Check the server's log and the path, e.g. /relay");
  });

  it('resolves localhost through the system resolver', async () => {
    const r = await doctor([`ws://localhost:${demo.port}/relay`, '--password', TOKEN]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(lineOf(r.stdout, 'DNS')!, /^ok .* localhost → (127\.0\.0\.1|::1)/);
  });
});

describe('parley doctor against servers that are not chat servers', () => {
  let http: OddServer;
  let silent: OddServer;
  before(async () => {
    http = await startPlainHttpServer();
    silent = await startSilentServer();
  });
  after(async () => {
    await http.close();
    await silent.close();
  });

  it('tells a plain web server from a WebSocket endpoint by its HTTP status', async () => {
    const r = await doctor([`ws://127.0.0.1:${http.port}/relay`]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^FAIL .* HTTP 200 on upgrade: an HTTP server answered at \/relay, but not as a WebSocket endpoint$/);
    assert.equal(fixOf(r.stdout), 'check the port and the path, e.g. /relay');
  });

  it('times out at the upgrade, naming it, when a server accepts TCP and never answers', async () => {
    const r = await doctor([`ws://127.0.0.1:${silent.port}/relay`, '--timeout', '1000', '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.failed, 'upgrade');
    const failed = report.layers.at(-1);
    assert.equal(failed.detail, `upgrade timeout: 127.0.0.1:${silent.port} accepted TCP but sent no HTTP answer to the WebSocket upgrade within 1000 ms`);
    assert.ok(failed.ms >= 1000, `waited ${failed.ms} ms`);
  });

  it('times out at the round trip, naming it, when the server logs in and then stops answering', async () => {
    const mute = await startMuteRelay();
    try {
      const r = await doctor([`ws://127.0.0.1:${mute.port}/`, '--timeout', '1000']);
      assert.equal(r.code, 1);
      assert.match(lineOf(r.stdout, 'handshake')!, /^ok .* hello → welcome as parley-doctor$/);
      assert.match(lineOf(r.stdout, 'round trip')!, /^FAIL .* round-trip timeout: no answer to ping → pong within 1000 ms$/);
    } finally {
      await mute.close();
    }
  });

  it('times out at TLS, naming it, when a wss:// port accepts TCP and never answers', async () => {
    const r = await doctor([`wss://127.0.0.1:${silent.port}/relay`, '--timeout', '1000']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'TLS')!, new RegExp(`^FAIL .* TLS timeout: no TLS handshake from 127\\.0\\.0\\.1:${silent.port} within 1000 ms$`));
  });
});

describe('parley doctor over wss://', () => {
  let cert: TestCertificate;
  let front: TlsFront;
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dataDir, 'tls'), staticDir: dataDir, token: TOKEN });
    cert = makeSelfSignedCert();
    front = await TlsFront.start(cert, demo.port);
  });
  after(async () => {
    await front.close();
    await demo.close();
    removeCert(cert);
  });

  it('refuses a self-signed certificate at the TLS layer, as a browser would', async () => {
    const r = await doctor([`wss://localhost:${front.port}/relay`, '--password', TOKEN]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'TLS')!, /^FAIL .* self-signed certificate \(CN=localhost\): browsers will refuse it$/);
    assert.match(fixOf(r.stdout)!, /NODE_EXTRA_CA_CERTS/);
  });

  it('passes with the certificate trusted, showing its subject and expiry', async () => {
    const r = await doctor([`wss://localhost:${front.port}/relay`, '--password', TOKEN, '--room', 'tls-room'], { NODE_EXTRA_CA_CERTS: cert.certFile });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    assert.match(lineOf(r.stdout, 'TLS')!, new RegExp(`^ok .* TLSv1\\.[23], certificate CN=localhost, issued by CN=localhost, valid until ${until}$`));
    assert.match(lineOf(r.stdout, 'message')!, /^ok .* sent to "tls-room" and seen coming back/);
  });

  it('names a certificate that does not name the host', async () => {
    const r = await doctor([`wss://[::ffff:127.0.0.1]:${front.port}/relay`, '--password', TOKEN], { NODE_EXTRA_CA_CERTS: cert.certFile });
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'TLS')!, /^FAIL .* certificate name mismatch: the certificate is for DNS:localhost, IP Address:127\.0\.0\.1, not ::ffff:7f00:1$/);
    assert.equal(fixOf(r.stdout), 'use the host name the certificate names, or get a certificate that includes ::ffff:7f00:1');
  });

  it('warns of a certificate that expires within 14 days, and passes', async () => {
    const soon = makeSelfSignedCert(3);
    const soonFront = await TlsFront.start(soon, demo.port);
    try {
      const r = await doctor([`wss://localhost:${soonFront.port}/relay`, '--password', TOKEN, '--json'], { NODE_EXTRA_CA_CERTS: soon.certFile });
      assert.equal(r.code, 0, r.stdout);
      const tls = JSON.parse(r.stdout).layers.find((l: { layer: string }) => l.layer === 'tls');
      assert.match(tls.detail, /\(expires in 3 days: renew it soon\)$/);
      assert.equal(tls.facts.daysLeft, 3);
      assert.deepEqual(tls.facts.chain, ['CN=localhost']);
    } finally {
      await soonFront.close();
      removeCert(soon);
    }
  });

  it('says there is no TLS when wss:// points at a plain port', async () => {
    const r = await doctor([`wss://127.0.0.1:${demo.port}/relay`]);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'TLS')!, new RegExp(`^FAIL .* no TLS on 127\\.0\\.0\\.1:${demo.port}: the server answered in plain text$`));
    assert.equal(fixOf(r.stdout), 'use ws:// for this port, or the port where the server speaks TLS');
  });
});

after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('parley doctor command line', () => {
  it('explains a wrong command line and exits with 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /the server URL is missing/],
      [['http://example.com/relay'], /the URL must start with ws:\/\/ or wss:\/\/, not http:\/\/ \(try ws:\/\/example\.com\/relay\)/],
      [['ws://x/relay', '--protocol', 'irc'], /--protocol must be one of websocket, mqtt, xmpp, not "irc"/],
      [['ws://x/xmpp', '--protocol', 'xmpp'], /XMPP needs --user as a bare JID, e.g. --user ann@example.com/],
      [['ws://x/relay', '--timeout', 'soon'], /--timeout is a whole number of ms above 0, not "soon"/],
      [['ws://x/relay', '--colour'], /Unknown option '--colour'/],
      [['ws://x/relay', '--room', ' '], /--room may not be empty; leave it out to skip the message check/],
    ];
    for (const [args, message] of cases) {
      const r = await doctor(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: parley doctor <url>/);
      assert.equal(r.stdout, '');
    }
  });
});

describe('parley doctor DNS causes', () => {
  // A failing lookup would ask the network's DNS server; these check the words for what
  // getaddrinfo reports, as Node raises it (an Error with `code`).
  it('says a name was not found, or that DNS did not answer', () => {
    const error = (code: string) => Object.assign(new Error(`getaddrinfo ${code} chat.example.com`), { code });
    const notFound = dnsFailure('chat.example.com', error('ENOTFOUND'));
    assert.equal(notFound.message, 'name not found: no address for chat.example.com');
    assert.equal(notFound.fix, 'check the host name in the URL for typos, and that its DNS record exists');
    const again = dnsFailure('chat.example.com', error('EAI_AGAIN'));
    assert.equal(again.message, 'DNS did not answer for chat.example.com (EAI_AGAIN)');
  });
});

describe('the built parley command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-doctor-bin-'));
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: dir, staticDir: dir });
  });
  after(async () => {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds with npm run build:cli and runs as the package bin, each transport loading on use', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'cli/build.ts'], { cwd: ROOT, stdio: 'pipe' });
    const bin = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.parley;
    const relay = await runNode([join(ROOT, bin), 'doctor', demo.relayUrl, '--room', 'bin-room']);
    assert.equal(relay.code, 0, relay.stdout + relay.stderr);
    assert.match(relay.stdout, /^all layers passed in \d+ ms$/m);
    const mqtt = await runNode([join(ROOT, bin), 'doctor', demo.mqttUrl, '--protocol', 'mqtt']);
    assert.equal(mqtt.code, 0, mqtt.stdout + mqtt.stderr);
    assert.match(mqtt.stdout, /CONNACK 0 \(accepted\)/);
  });
});
