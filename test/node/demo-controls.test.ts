import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { RelayClient } from '../support/relay-client.ts';

/** The demo page's buttons that break the server on purpose (demo/controls.ts). */
describe('demo server controls', () => {
  let server: DemoServer;
  let plain: DemoServer;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-controls-'));
    server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'a'), staticDir: dir, controls: true });
    plain = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'b'), staticDir: dir });
  });
  after(async () => {
    await server.close();
    await plain.close();
  });
  const press = (s: DemoServer, action: string) => fetch(`${s.url}/demo/control/${action}`, { method: 'POST' });
  const closed = (c: RelayClient) => new Promise<number>((done) => c.ws.once('close', (code) => done(code)));

  it('drop closes every socket at once', async () => {
    const a = await RelayClient.connect(server.relayUrl, 'a');
    const gone = closed(a);
    assert.equal((await press(server, 'drop')).status, 200);
    assert.equal(await gone, 1006, 'closed without a close frame, as a crash does');
  });

  it('freeze keeps the socket open but answers nothing, as a half-open link', async () => {
    const a = await RelayClient.connect(server.relayUrl, 'a');
    await press(server, 'freeze');
    a.send({ type: 'ping' });
    await assert.rejects(a.next((f) => f.type === 'pong', 1_000), /No matching frame/);
    assert.equal(a.ws.readyState, WebSocket.OPEN);
    // A new socket is served as usual.
    const b = await RelayClient.connect(server.relayUrl, 'b');
    b.send({ type: 'ping' });
    await b.next((f) => f.type === 'pong');
    a.ws.terminate();
    b.close();
  });

  it('pause refuses new sockets for 20 s', async () => {
    const answer = (await (await press(server, 'pause')).json()) as { action: string; pausedFor: number };
    assert.equal(answer.action, 'pause');
    assert.ok(answer.pausedFor > 19_000 && answer.pausedFor <= 20_000, `paused for ${answer.pausedFor} ms`);
    await assert.rejects(RelayClient.connect(server.relayUrl, 'c'));
  });

  it('is not offered unless asked for', async () => {
    assert.equal((await press(plain, 'drop')).status, 404);
  });
});
