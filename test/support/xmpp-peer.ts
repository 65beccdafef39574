import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A non-Parley XMPP client (slixmpp, test/fixtures/xmpp-peer.py) driven from Node, so tests
 * can prove that the widget talks to real XMPP software and not only to itself.
 */
export const PYTHON = '/usr/bin/python3';
export const SLIXMPP = '/usr/lib/python3/dist-packages/slixmpp/__init__.py';
const SCRIPT = fileURLToPath(new URL('../fixtures/xmpp-peer.py', import.meta.url));

export interface PeerMessage {
  from: string;
  text: string;
  id: string;
  type: string;
  /** URLs of the message's XEP-0066 Out of Band Data elements. */
  oob?: string[];
}

export type PeerCommand =
  | { op: 'send'; to: string; text: string; type?: 'chat' | 'groupchat'; id?: string }
  | { op: 'join'; room: string; nick: string }
  | { op: 'typing'; to: string }
  | { op: 'displayed'; to: string; id: string }
  /** A stanza sent exactly as written, to play a hostile peer. */
  | { op: 'raw'; xml: string }
  | { op: 'sync' }
  /** Answer XEP-0184 receipt requests (the default) or not, as a client that never confirms. */
  | { op: 'receipts'; on: boolean };

type PeerEvent = { event: string } & PeerMessage & { message?: string };

/** One event line from the peer, or undefined for a line that is not a JSON event. */
function parseEvent(line: string): PeerEvent | undefined {
  try {
    const event = JSON.parse(line) as unknown;
    return typeof event === 'object' && event !== null && typeof (event as PeerEvent).event === 'string' ? (event as PeerEvent) : undefined;
  } catch {
    return undefined;
  }
}

export class XmppPeer {
  readonly received: PeerMessage[] = [];
  /** Answers to `sync` so far. */
  synced = 0;
  #log = '';

  private constructor(readonly jid: string, readonly child: ChildProcess) {}

  /** Logs in and resolves once the session has started (presence sent, roster fetched). */
  static async start(jid: string, password: string, c2sPort: number, timeout = 20_000): Promise<XmppPeer> {
    if (!existsSync(SLIXMPP)) throw new Error(`slixmpp is missing: apt-get install python3-slixmpp (${SLIXMPP})`);
    const child = spawn(PYTHON, [SCRIPT, jid, password, String(c2sPort)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const peer = new XmppPeer(jid, child);
    child.stderr!.on('data', (d) => (peer.#log += d));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`slixmpp peer ${jid} not ready in ${timeout} ms:\n${peer.#log}`)), timeout);
      child.on('exit', (code) => reject(new Error(`slixmpp peer ${jid} exited (${code}):\n${peer.#log}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const event = parseEvent(line);
        // slixmpp or Python itself may print a line of its own (a warning, a traceback) to
        // stdout: keep it for the log instead of throwing inside the test runner's process.
        if (!event) return void (peer.#log += `stdout: ${line}\n`);
        if (event.event === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (event.event === 'message') peer.received.push({ from: event.from, text: event.text, id: event.id, type: event.type, oob: event.oob });
        else if (event.event === 'synced') peer.synced += 1;
        else if (event.event === 'error') reject(new Error(`slixmpp peer ${jid}: ${event.message}`));
      });
    });
    await ready;
    return peer;
  }

  command(cmd: PeerCommand): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }
}
