import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, waitForPort } from './free-port.ts';

/** Debian puts the broker in /usr/sbin, which a non-root PATH may lack. */
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

/** How many times Mosquitto.start tries, on new ports each time, when a port was taken meanwhile. */
const STARTS = 3;

/** The one user the guarded listener knows, for refused-credentials tests. */
export const GUARDED_USER = { user: 'alice', password: 'alice-secret' } as const;

/**
 * A real Mosquitto (Debian's `mosquitto`, 2.0) in the foreground, with its own config in a
 * temp dir: persistence on, a plain TCP listener (for mosquitto_pub/sub, and because a
 * websockets-only config does not start: docs/platform.md), an open websockets listener and
 * a websockets listener that checks a password file.
 */
export class Mosquitto {
  #child?: ChildProcess;
  #log = '';

  private constructor(
    readonly dir: string,
    readonly tcpPort: number,
    readonly wsPort: number,
    readonly guardedWsPort: number,
  ) {}

  /**
   * Starts a broker on three free ports. A port found free can be taken before the broker binds
   * it (by a server that another test plugin starts at the same time), and the broker then exits
   * with "Address already in use": it starts again, on new ports, up to STARTS times.
   */
  static async start(): Promise<Mosquitto> {
    for (let attempt = 1; ; attempt++) {
      const dir = mkdtempSync(join(tmpdir(), 'parley-mosquitto-'));
      const [tcp, ws, guarded] = await freePorts(3);
      const broker = new Mosquitto(dir, tcp!, ws!, guarded!);
      execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), GUARDED_USER.user, GUARDED_USER.password]);
      writeFileSync(join(dir, 'mosquitto.conf'), broker.#config());
      try {
        await broker.restart();
        return broker;
      } catch (e) {
        await broker.close();
        if (attempt >= STARTS || !broker.log.includes('Address already in use')) throw e;
      }
    }
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  get guardedWsUrl(): string {
    return `ws://127.0.0.1:${this.guardedWsPort}`;
  }

  /** What the broker printed, for failure messages. */
  get log(): string {
    return this.#log;
  }

  #config(): string {
    return [
      // As root, mosquitto would switch to the `mosquitto` user, who cannot write our dir.
      'user root',
      'persistence true',
      `persistence_location ${this.dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      // $SYS/broker/clients/connected every second, for tests that count connections.
      'sys_interval 1',
      'per_listener_settings true',
      `listener ${this.tcpPort} 127.0.0.1`,
      'allow_anonymous true',
      // The bind address of a websockets listener is ignored (docs/platform.md).
      `listener ${this.wsPort}`,
      'protocol websockets',
      'allow_anonymous true',
      `listener ${this.guardedWsPort}`,
      'protocol websockets',
      'allow_anonymous false',
      `password_file ${join(this.dir, 'passwd')}`,
      '',
    ].join('\n');
  }

  /** Stops the broker if it runs (it saves its persistence file), then starts it again. */
  async restart(): Promise<void> {
    await this.stop();
    const child = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (d) => (this.#log += d));
    child.stderr!.on('data', (d) => (this.#log += d));
    const exited = new Promise<never>((_, fail) => {
      child.once('exit', (code) => fail(new Error(`mosquitto exited (${code}) while starting:\n${this.#log}`)));
      // ENOENT: not installed (Debian package "mosquitto"; npm test installs it as root).
      child.once('error', (e) => fail(new Error(`could not run ${MOSQUITTO}: ${e.message}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([
      Promise.all([this.tcpPort, this.wsPort, this.guardedWsPort].map((p) => waitForPort(p))),
      exited,
    ]);
  }

  /** SIGTERM, so that mosquitto writes its persistence file, as a clean restart does. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
