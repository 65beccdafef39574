import { execFile, spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctlConfig, ejabberdYml } from './ejabberd-config.ts';
import { freePorts, waitForPort } from './free-port.ts';
import { waitFor } from './wait.ts';

/**
 * Private ejabberd nodes (Debian's 23.01) for the browser tests: one node, or a cluster of
 * nodes that share one Mnesia database, on loopback ports with their data in a temp folder.
 * Each cluster has its own epmd on 127.0.0.1 and a port of its own, so it sees neither the
 * other clusters of this run nor any other Erlang on the machine (RabbitMQ's, another run's).
 * Everything goes through `ejabberdctl --config-dir`, which reads only the files written here;
 * see docs/platform.md, "ejabberd".
 */
export const EJABBERDCTL = '/usr/sbin/ejabberdctl';
const EPMD = '/usr/bin/epmd';
const INETRC = '/etc/ejabberd/inetrc';

export interface EjabberdOptions {
  /** How many nodes form the cluster. Default 1. */
  nodes?: number;
  /** Virtual host. Default `localhost`. */
  domain?: string;
  /**
   * How long a dropped session stays resumable (XEP-0198 §5), in ms; ejabberd counts seconds.
   * Default 20 000, as for the test Prosody (demo/prosody.ts).
   */
  resumeTimeout?: number;
  /** How long to wait for a node to answer `ejabberdctl status`, in ms. Default 60 000. */
  startTimeout?: number;
}

/** One Erlang VM of a cluster: its own config folder, spool, logs and ports. */
export class EjabberdNode {
  /** Read once the node has started: ejabberd deletes its pid file as soon as it begins to stop. */
  #pid?: number;

  constructor(
    /** `ejabberdN@localhost` */
    readonly name: string,
    readonly dir: string,
    readonly c2sPort: number,
    readonly httpPort: number,
  ) {}

  /** The RFC 7395 endpoint. IPv4 on purpose: the listeners bind 127.0.0.1 only. */
  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.httpPort}/ws`;
  }

  /** The VM's OS process id, from the pid file ejabberd writes at start (EJABBERD_PID_PATH). */
  get pid(): number | undefined {
    return this.#pid;
  }

  #readPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'ejabberd.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  get running(): boolean {
    const pid = this.pid;
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs `ejabberdctl --config-dir DIR ...args`; resolves with its exit code and output. */
  ctl(...args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((done) => {
      // A clean environment: a stray EJABBERD_CONFIG_PATH or ERL_* variable would win over ours.
      const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/var/lib/ejabberd', LANG: 'C.UTF-8' };
      execFile(EJABBERDCTL, ['--config-dir', this.dir, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      });
    });
  }

  async ctlOk(...args: string[]): Promise<string> {
    const { code, output } = await this.ctl(...args);
    if (code !== 0) throw new Error(`ejabberdctl ${args.join(' ')} on ${this.name} failed (${code}): ${output}\n${this.log()}`);
    return output;
  }

  /** Starts the VM (detached) and resolves once `ejabberdctl status` says it has started. */
  async start(timeout: number): Promise<void> {
    rmSync(join(this.dir, 'ejabberd.pid'), { force: true });
    await this.ctlOk('start');
    // `ejabberdctl started` would do, but it sleeps 2 s before each look; `status` answers
    // 0 once ejabberd has started, and each call takes the time of one Erlang boot.
    const end = Date.now() + timeout;
    for (;;) {
      const { code, output } = await this.ctl('status');
      if (code === 0) {
        this.#pid = this.#readPid();
        if (this.#pid === undefined) throw new Error(`ejabberd ${this.name} started but wrote no pid file`);
        return;
      }
      if (Date.now() > end) throw new Error(`ejabberd ${this.name} not started within ${timeout} ms: ${output}\n${this.log()}`);
    }
  }

  /** SIGKILL to the VM: no goodbye to clients or to the other nodes, as in a crash. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined || !this.running) return;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !this.running, 10_000, `${this.name} (pid ${pid}) to exit`, 20);
  }

  /** `ejabberdctl stop`, then SIGKILL if the VM is still there after `grace` ms. */
  async stop(grace = 10_000): Promise<void> {
    if (!this.running) return;
    await this.ctl('stop');
    try {
      await waitFor(() => !this.running, grace, `${this.name} to stop`, 50);
    } catch {
      await this.kill();
    }
  }

  log(): string {
    try {
      const logs = join(this.dir, 'logs');
      return readdirSync(logs)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(join(logs, f), 'utf8').split('\n').slice(-40).join('\n'))
        .join('\n');
    } catch {
      return '';
    }
  }
}

const ejabberdIds = (): { uid: number; gid: number } => {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'ejabberd'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
};

const chownTree = (path: string, uid: number, gid: number) => {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
};

export class EjabberdCluster {
  /** Accounts made through `register`, and their passwords. */
  #users = new Map<string, string>();

  private constructor(
    readonly dir: string,
    readonly domain: string,
    readonly epmdPort: number,
    readonly nodes: EjabberdNode[],
    readonly startTimeout: number,
    /** ms from the first file written to every node started and clustered. */
    public startupMs = 0,
  ) {}

  /**
   * Writes each node's files, starts the cluster's epmd and every node, and joins nodes 2…n to
   * node 1. ejabberdctl switches to the `ejabberd` user when run as root, so the folders are
   * that user's; as any other user but `ejabberd` it refuses, and so does this.
   */
  static async start(options: EjabberdOptions = {}): Promise<EjabberdCluster> {
    const began = Date.now();
    if (!existsSync(EJABBERDCTL)) throw new Error(`ejabberd is missing: apt-get install ejabberd (${EJABBERDCTL})`);
    if (process.getuid?.() !== 0) throw new Error('ejabberdctl runs as root (it switches to the ejabberd user) or as ejabberd; run the tests as root');
    const count = options.nodes ?? 1;
    const domain = options.domain ?? 'localhost';
    const dir = mkdtempSync(join(tmpdir(), 'parley-ejabberd-'));
    const [epmdPort, ...ports] = await freePorts(1 + 2 * count);
    const cookie = `parley${Math.random().toString(36).slice(2)}`;
    const nodes: EjabberdNode[] = [];
    for (let i = 0; i < count; i++) {
      const nodeDir = join(dir, `node${i + 1}`);
      for (const sub of ['spool', 'logs', 'upload', 'contrib']) mkdirSync(join(nodeDir, sub), { recursive: true });
      const node = new EjabberdNode(`ejabberd${i + 1}@localhost`, nodeDir, ports[2 * i]!, ports[2 * i + 1]!);
      writeFileSync(join(nodeDir, 'ejabberdctl.cfg'), ctlConfig(node.name, nodeDir, epmdPort!, cookie));
      writeFileSync(join(nodeDir, 'ejabberd.yml'), ejabberdYml({ domain, c2s: node.c2sPort, http: node.httpPort, dir: nodeDir, resume: options.resumeTimeout ?? 20_000 }));
      copyFileSync(INETRC, join(nodeDir, 'inetrc'));
      nodes.push(node);
    }
    const { uid, gid } = ejabberdIds();
    chownTree(dir, uid, gid);
    const cluster = new EjabberdCluster(dir, domain, epmdPort!, nodes, options.startTimeout ?? 60_000);
    try {
      await cluster.#startEpmd();
      // One at a time: two VMs booting at once on two cores take as long as one after the other,
      // and node 1 must be up before the others can join it.
      for (const node of nodes) await node.start(cluster.startTimeout);
      for (const node of nodes.slice(1)) await node.ctlOk('join_cluster', nodes[0]!.name);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    cluster.startupMs = Date.now() - began;
    return cluster;
  }

  /** The first node still running, for commands that reach the shared database. */
  get live(): EjabberdNode {
    const node = this.nodes.find((n) => n.running);
    if (!node) throw new Error('no ejabberd node of this cluster is running');
    return node;
  }

  /** Creates an account (idempotent); the cluster shares it, whichever node is asked. */
  async register(user: string, password: string): Promise<void> {
    if (this.#users.has(user)) return;
    await this.live.ctlOk('register', user, this.domain, password);
    this.#users.set(user, password);
  }

  /** Starts node `i` again after a kill: same ports, same data, and it rejoins its cluster. */
  async resume(i: number): Promise<void> {
    const node = this.nodes[i]!;
    if (node.running) return;
    await node.start(this.startTimeout);
    if (this.nodes.every((n) => n === node || !n.running)) await this.#restoreAccounts(node);
  }

  /**
   * ejabberd keeps accounts in a Mnesia disc_only table (dets), and SIGKILL of the only node
   * can lose writes (docs/platform.md, "ejabberd"): seen as one test account registered at
   * start missing after the restart, in three runs out of five. A node that restarts while another runs copies
   * the tables from it, so this only concerns a lone node. The accounts are the test setup's,
   * so it makes them again, and says so.
   */
  async #restoreAccounts(node: EjabberdNode): Promise<void> {
    const present = new Set((await node.ctlOk('registered_users', this.domain)).split('\n').map((l) => l.trim()));
    const lost = [...this.#users.keys()].filter((user) => !present.has(user));
    if (lost.length === 0) return;
    console.log(`[ejabberd] ${node.name} lost ${lost.length} account(s) in the SIGKILL (${lost.join(', ')}); registering them again`);
    for (const user of lost) await node.ctlOk('register', user, this.domain, this.#users.get(user)!);
  }

  /** Stops every node, then the cluster's epmd (which refuses while a node is registered), and deletes the data. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    const { output } = await this.#epmd('-kill');
    if (!/Killed/.test(output)) console.error(`epmd on port ${this.epmdPort} did not stop: ${output}`);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #startEpmd(): Promise<void> {
    const { code, output } = await this.#epmd('-daemon', '-address', '127.0.0.1');
    if (code !== 0) throw new Error(`epmd on port ${this.epmdPort} did not start: ${output}`);
    await waitForPort(this.epmdPort);
  }

  #epmd(...args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((done) => {
      execFile(EPMD, ['-port', String(this.epmdPort), ...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) =>
        done({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      );
    });
  }
}
