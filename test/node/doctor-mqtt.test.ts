import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { doctor, fixOf, lineOf } from '../support/doctor-cli.ts';
import { GUARDED_USER, Mosquitto } from '../support/mosquitto.ts';

const TOKEN = 'doctor-token';

describe('parley doctor against aedes (the demo server\'s /mqtt)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-doctor-aedes-'));
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: dataDir, token: TOKEN });
  });
  after(async () => {
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes every layer: CONNACK 0, PINGREQ/PINGRESP, and a message that comes back', async () => {
    const r = await doctor([demo.mqttUrl, '--protocol', 'mqtt', '--password', TOKEN, '--room', 'doctor-room']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^ok .* HTTP 101, subprotocol mqtt$/);
    assert.match(lineOf(r.stdout, 'handshake')!, /^ok .* \d+ ms  CONNECT → CONNACK 0 \(accepted\)$/);
    assert.match(lineOf(r.stdout, 'round trip')!, /^ok .* PINGREQ → PINGRESP in \d+ ms$/);
    assert.match(lineOf(r.stdout, 'message')!, /^ok .* sent to "doctor-room" and seen coming back on a second link, acknowledged by the server$/);
    assert.equal(demo.stats().mqttClients, 0, 'the doctor leaves no client connected');
  });

  it('names the CONNACK code of a wrong password', async () => {
    const r = await doctor([demo.mqttUrl, '--protocol', 'mqtt', '--password', 'wrong', '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.failed, 'handshake');
    const failed = report.layers.at(-1);
    assert.deepEqual(
      { detail: failed.detail, fix: failed.fix, facts: failed.facts },
      { detail: 'CONNACK 4: bad user name or password', fix: 'check --user and --password', facts: { connack: 4 } },
    );
  });

  it('names a wrong path at the upgrade', async () => {
    const r = await doctor([`ws://127.0.0.1:${demo.port}/mqtt-ws`, '--protocol', 'mqtt']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'WebSocket upgrade')!, /^FAIL .* the server closed the connection during the WebSocket upgrade/);
    assert.match(fixOf(r.stdout)!, /^check the path, e\.g\. \/mqtt;/);
  });
});

describe('parley doctor against Mosquitto', () => {
  let broker: Mosquitto;
  before(async () => {
    broker = await Mosquitto.start();
  });
  after(() => broker.close());

  it('passes every layer on the open listener, and leaves no session behind', async () => {
    const args = [broker.wsUrl, '--protocol', 'mqtt', '--user', 'doc', '--room', 'doctor-room'];
    const first = await doctor(args);
    assert.equal(first.code, 0, first.stdout + first.stderr + broker.log);
    assert.match(lineOf(first.stdout, 'handshake')!, /CONNECT → CONNACK 0 \(accepted\)$/);
    assert.match(lineOf(first.stdout, 'message')!, /^ok .* seen coming back on a second link, acknowledged by the server$/);
    // The transport asks for a persistent session; had the doctor not discarded it, the
    // broker would say "session present" to the same client id now (MQTT 3.1.1 §3.2.2.2).
    const second = await doctor(args);
    assert.equal(second.code, 0, second.stdout);
    assert.match(lineOf(second.stdout, 'handshake')!, /CONNACK 0 \(accepted\)$/);
  });

  it('says "CONNACK 5: not authorised" for a wrong password on the guarded listener', async () => {
    const r = await doctor([broker.guardedWsUrl, '--protocol', 'mqtt', '--user', GUARDED_USER.user, '--password', 'wrong']);
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'handshake')!, /^FAIL .* CONNACK 5: not authorised, check user and password$/);
    assert.equal(fixOf(r.stdout), "check --user and --password, and the broker's access rules for this user");
  });

  it('passes with the right password on the guarded listener', async () => {
    const r = await doctor([broker.guardedWsUrl, '--protocol', 'mqtt', '--user', GUARDED_USER.user, '--password', GUARDED_USER.password]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(lineOf(r.stdout, 'round trip')!, /^ok .* PINGREQ → PINGRESP in \d+ ms$/);
  });

  it('says "connection refused" while Mosquitto is down, and passes once it is back', async () => {
    await broker.stop();
    const down = await doctor([broker.wsUrl, '--protocol', 'mqtt']);
    assert.equal(down.code, 1);
    assert.match(lineOf(down.stdout, 'TCP connect')!, new RegExp(`^FAIL .* connection refused: nothing listens on 127\\.0\\.0\\.1:${broker.wsPort}$`));
    await broker.restart();
    const up = await doctor([broker.wsUrl, '--protocol', 'mqtt']);
    assert.equal(up.code, 0, up.stdout);
  });
});

describe('parley doctor against a Mosquitto whose access rules drop the message', () => {
  let broker: Mosquitto;
  before(async () => {
    broker = await Mosquitto.start();
    // The guarded listener lets alice read the rooms but not write to them. MQTT 3.1.1 has no
    // way to refuse a PUBLISH: the broker acknowledges it and drops it.
    writeFileSync(join(broker.dir, 'acl'), `user ${GUARDED_USER.user}\ntopic read parley/#\n`);
    appendFileSync(join(broker.dir, 'mosquitto.conf'), `acl_file ${join(broker.dir, 'acl')}\n`);
    await broker.restart();
  });
  after(() => broker.close());

  it('times out at the message layer, naming it, when the message never comes back', async () => {
    const r = await doctor([broker.guardedWsUrl, '--protocol', 'mqtt', '--user', GUARDED_USER.user, '--password', GUARDED_USER.password, '--room', 'acl-room', '--timeout', '1500']);
    assert.equal(r.code, 1, r.stdout + broker.log);
    assert.match(lineOf(r.stdout, 'round trip')!, /^ok /);
    assert.match(lineOf(r.stdout, 'message')!, /^FAIL .* message timeout: a message sent to "acl-room" did not come back within 1500 ms$/);
    assert.match(fixOf(r.stdout)!, /MQTT topic access rules/);
  });
});
