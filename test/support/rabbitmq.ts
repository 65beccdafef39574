import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './free-port.ts';

const run = promisify(execFile);

/**
 * Debian's scripts, called directly: the /usr/sbin wrappers switch to the `rabbitmq` user,
 * who cannot read our temp dirs (docs/platform.md, "RabbitMQ").
 */
const BIN = '/usr/lib/rabbitmq/bin';
export const RABBITMQ_SERVER = `${BIN}/rabbitmq-server`;
const RABBITMQCTL = `${BIN}/rabbitmqctl`;

/** Whom test/support/wtr-rabbitmq.ts's peer publishes as. */
export const PEER_USER = 'mallory';
/**
 * The accounts every test cluster has, all with `RABBIT_PASSWORD`. RabbitMQ authenticates the
 * MQTT user name, which Parley sets to `ConnectionConfig.user`; `mqtt.allow_anonymous` only
 * admits a CONNECT without one (docs/mqtt.md, "RabbitMQ").
 */
export const RABBIT_USERS = ['ann', 'bob', 'pinger', 'closer', 'survivor', 'alice', 'carol', PEER_USER] as const;
export const RABBIT_PASSWORD = 'parley-test';

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64 of a 4-byte salt, then SHA-256 of salt and password. */
const passwordHash = (password: string) => {
  const salt = randomBytes(4);
  return Buffer.concat([salt, createHash('sha256').update(salt).update(password).digest()]).toString('base64');
};

/** Users, the default vhost and full permissions on it, loaded by node 1 at boot (no rabbitmqctl round trips). */
const definitions = () => ({
  users: RABBIT_USERS.map((name) => ({ name, password_hash: passwordHash(RABBIT_PASSWORD), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: '' })),
  vhosts: [{ name: '/' }],
  permissions: RABBIT_USERS.map((user) => ({ user, vhost: '/', configure: '.*', write: '.*', read: '.*' })),
});

/** One RabbitMQ node of a test cluster, and its loopback ports. */
export interface RabbitNode {
  /** Erlang node name, `rabbitN@localhost`. */
  name: string;
  /** Web MQTT listener: the URL a widget uses (the plugin serves MQTT on `/ws`). */
  wsUrl: string;
  /** Plain MQTT listener, for peers that publish from Node. */
  mqttPort: number;
  amqpPort: number;
  distPort: number;
  dir: string;
  pidFile: string;
}

/**
 * A RabbitMQ 3.10 cluster of `size` nodes on loopback, with the MQTT and Web MQTT plugins, for
 * the browser tests (test/support/wtr-rabbitmq.ts). Everything lives in one temp dir, wiped at
 * the end: the nodes' data, logs and config, and the HOME that holds the shared Erlang cookie.
 * The cluster has an epmd of its own on a free port (ERL_EPMD_PORT), bound to 127.0.0.1, so
 * that another suite's Erlang cluster (ejabberd) never shares it or kills it. Readiness comes
 * from `rabbitmqctl wait`, never from a sleep.
 */
export class RabbitCluster {
  /** ms from the first `rabbitmq-server` to a cluster whose every node accepts MQTT. */
  startupMs = 0;
  #epmdStarted = false;

  private constructor(
    readonly dir: string,
    readonly epmdPort: number,
    readonly nodes: RabbitNode[],
  ) {}

  static async start(size: number): Promise<RabbitCluster> {
    if (!existsSync(RABBITMQ_SERVER))
      throw new Error(`${RABBITMQ_SERVER} is missing: install the Debian package "rabbitmq-server" (npm test does, as root)`);
    const dir = mkdtempSync(join(tmpdir(), 'parley-rabbitmq-'));
    const ports = await freePorts(1 + 4 * size);
    const epmdPort = ports[0]!;
    const nodes = Array.from({ length: size }, (_, i): RabbitNode => {
      const [amqpPort, mqttPort, wsPort, distPort] = ports.slice(1 + 4 * i, 5 + 4 * i) as [number, number, number, number];
      const nodeDir = join(dir, `rabbit${i + 1}`);
      return { name: `rabbit${i + 1}@localhost`, wsUrl: `ws://127.0.0.1:${wsPort}/ws`, mqttPort, amqpPort, distPort, dir: nodeDir, pidFile: join(nodeDir, 'pid') };
    });
    const cluster = new RabbitCluster(dir, epmdPort, nodes);
    // A run that exits without stopping its servers (a crash, a runner that does not wait)
    // must not leave VMs, an epmd or data behind.
    process.once('exit', () => cluster.#killNow());
    try {
      await cluster.#boot();
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The environment of every Erlang VM and rabbitmqctl call of this cluster. */
  get #env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: join(this.dir, 'home'),
      // Without these a VM starts (or finds) an epmd on the default port, on every interface.
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: String(this.epmdPort),
    };
  }

  #nodeEnv(node: RabbitNode): NodeJS.ProcessEnv {
    return {
      ...this.#env,
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(node.amqpPort),
      RABBITMQ_DIST_PORT: String(node.distPort),
      RABBITMQ_MNESIA_BASE: join(node.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(node.dir, 'log'),
      RABBITMQ_CONFIG_FILE: join(node.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_PID_FILE: node.pidFile,
      // Debian's /etc/rabbitmq/rabbitmq-env.conf would set the node name and paths otherwise.
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
      // Erlang distribution on loopback only.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  async #boot(): Promise<void> {
    const home = join(this.dir, 'home');
    mkdirSync(home);
    // One cookie for every node and rabbitmqctl; Erlang refuses a cookie others may read.
    writeFileSync(join(home, '.erlang.cookie'), `parley${Math.random().toString(36).slice(2)}`);
    chmodSync(join(home, '.erlang.cookie'), 0o400);
    writeFileSync(join(this.dir, 'enabled_plugins'), '[rabbitmq_mqtt,rabbitmq_web_mqtt].\n');
    writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
    writeFileSync(join(this.dir, 'definitions.json'), JSON.stringify(definitions()));
    for (const node of this.nodes) {
      mkdirSync(node.dir);
      writeFileSync(join(node.dir, 'rabbitmq.conf'), this.#config(node));
    }
    const started = Date.now();
    await run('epmd', ['-daemon', '-address', '127.0.0.1', '-port', String(this.epmdPort)], { env: this.#env });
    this.#epmdStarted = true;
    // The nodes boot side by side; the MQTT plugin of each waits a few seconds for its peers.
    await Promise.all(this.nodes.map((node) => this.#startNode(node)));
    for (const node of this.nodes.slice(1)) {
      await this.#ctl(node, 'stop_app');
      await this.#ctl(node, 'join_cluster', this.nodes[0]!.name);
      await this.#ctl(node, 'start_app');
    }
    this.startupMs = Date.now() - started;
  }

  #config(node: RabbitNode): string {
    return [
      `listeners.tcp.default = 127.0.0.1:${node.amqpPort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${node.mqttPort}`,
      'web_mqtt.tcp.ip = 127.0.0.1',
      `web_mqtt.tcp.port = ${new URL(node.wsUrl).port}`,
      `load_definitions = ${join(this.dir, 'definitions.json')}`,
      // For peers that connect without a user name; a user name is always checked.
      'mqtt.allow_anonymous = true',
      '',
    ].join('\n');
  }

  /** Starts a node's VM in the background and resolves once it and its plugins run. */
  async #startNode(node: RabbitNode): Promise<void> {
    rmSync(node.pidFile, { force: true });
    await run(RABBITMQ_SERVER, ['-detached'], { env: this.#nodeEnv(node) });
    await this.#ctl(node, 'wait', node.pidFile);
  }

  async #ctl(node: RabbitNode, ...args: string[]): Promise<string> {
    try {
      const { stdout } = await run(RABBITMQCTL, ['-q', '-n', node.name, ...args], { env: this.#env, timeout: 120_000 });
      return stdout;
    } catch (e) {
      throw new Error(`rabbitmqctl ${args.join(' ')} on ${node.name} failed: ${e instanceof Error ? e.message : e}\n${this.log(node).slice(-3_000)}`);
    }
  }

  #pid(node: RabbitNode): number | undefined {
    try {
      const pid = Number(readFileSync(node.pidFile, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The node's VM is running. A killed VM whose parent is gone stays a zombie until something
   * reaps it, and `kill(pid, 0)` still finds a zombie, so read its state from /proc.
   */
  alive(node: RabbitNode): boolean {
    const pid = this.#pid(node);
    if (!pid) return false;
    try {
      // `pid (comm) S …`: the state follows the closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^\s*[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 1));
    } catch {
      return false;
    }
  }

  /**
   * The node dies as on a crash or power loss: SIGKILL to its VM, no goodbye to clients or
   * peers. Resolves once the process is gone, with when the signal went (ms since the epoch).
   */
  async kill(index: number): Promise<number> {
    const node = this.nodes[index]!;
    const pid = this.#pid(node);
    if (!pid) throw new Error(`${node.name} has no pid file`);
    const at = Date.now();
    process.kill(pid, 'SIGKILL');
    while (this.alive(node)) await new Promise((r) => setTimeout(r, 5));
    return at;
  }

  /** Resolves once node `observer` no longer counts node `gone` among its peers (Erlang `nodes()`). */
  async nodeDown(observer: number, gone: number): Promise<void> {
    const name = this.nodes[gone]!.name;
    for (;;) {
      const peers = await this.#ctl(this.nodes[observer]!, 'eval', 'nodes().');
      if (!peers.includes(name)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the RabbitMQ application (its listeners close, clients are dropped); the VM stays. */
  stopApp = (index: number) => this.#ctl(this.nodes[index]!, 'stop_app');
  startApp = (index: number) => this.#ctl(this.nodes[index]!, 'start_app');

  /** What the node logged, for failure messages. */
  log(node: RabbitNode): string {
    try {
      return readFileSync(join(node.dir, 'log', `${node.name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  /** The last resort, synchronous (a process `exit` handler): SIGKILL to every VM, then epmd, then the dir. */
  #killNow(): void {
    for (const node of this.nodes) {
      const pid = this.#pid(node);
      if (pid && this.alive(node)) process.kill(pid, 'SIGKILL');
    }
    if (this.#epmdStarted) spawnSync('epmd', ['-port', String(this.epmdPort), '-kill'], { env: this.#env });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stops every node that runs (waiting for its VM to exit), then this cluster's epmd, and wipes the dir. */
  async close(): Promise<void> {
    await Promise.all(
      this.nodes.filter((n) => this.alive(n)).map(async (node) => {
        // With the pid file, `stop` returns only once the VM has exited.
        await this.#ctl(node, 'stop', node.pidFile).catch(() => {
          const pid = this.#pid(node);
          if (pid && this.alive(node)) process.kill(pid, 'SIGKILL');
        });
      }),
    );
    if (this.#epmdStarted) spawnSync('epmd', ['-port', String(this.epmdPort), '-kill'], { env: this.#env });
    this.#epmdStarted = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
