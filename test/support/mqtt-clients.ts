import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait.ts';

/**
 * mosquitto_pub and mosquitto_sub (Debian's mosquitto-clients): real MQTT peers for tests,
 * on a broker's plain TCP port.
 */
export function mosquittoPub(port: number, topic: string, messages: string[], qos = 1): Promise<void> {
  return new Promise((done, fail) => {
    // -l: one message per line of stdin, all on one connection.
    const child = execFile('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], (error, _out, err) =>
      error ? fail(new Error(`mosquitto_pub failed: ${err || error.message}`)) : done(),
    );
    child.stdin!.end(messages.map((m) => `${m}\n`).join(''));
  });
}

/** The last value of a $SYS topic (MQTT 3.1.1 leaves $SYS to the broker; Mosquitto's are retained). */
export function mosquittoSys(port: number, topic: string, count: number, waitSeconds: number): Promise<string[]> {
  return new Promise((done) => {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-C', String(count), '-W', String(waitSeconds)];
    // -W ends it with an error code when fewer than `count` arrive; what did arrive still counts.
    execFile('mosquitto_sub', args, (_error, out) => done(out.split('\n').filter(Boolean)));
  });
}

/**
 * A persistent mosquitto_sub (fixed client id, clean session off, QoS 1): like the widget, it
 * keeps its subscription and queued messages across a broker restart, and reconnects by itself.
 */
export class MosquittoSub {
  readonly messages: string[] = [];
  #subscribed = false;
  #output = '';
  readonly #child: ChildProcess;

  constructor(port: number, topic: string, clientId: string) {
    // stdbuf: line-buffered stdout, or the -d lines that say "subscribed" sit in a pipe buffer.
    this.#child = spawn(
      'stdbuf',
      ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', '1', '-c', '-i', clientId, '-d', '-F', 'MSG %p'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let partial = '';
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      this.#output += chunk;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        // -d prints the protocol exchange; -F marks each payload line.
        if (line.startsWith('MSG ')) this.messages.push(line.slice(4));
        else if (line.includes('received SUBACK')) this.#subscribed = true;
      }
    });
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk));
  }

  async ready(timeout = 10_000): Promise<void> {
    await waitFor(
      () => {
        if (this.#child.exitCode !== null) throw new Error(`mosquitto_sub exited:\n${this.#output}`);
        return this.#subscribed;
      },
      timeout,
      'mosquitto_sub to subscribe',
      50,
    );
  }

  stop(): void {
    this.#child.kill('SIGTERM');
  }
}
