import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private Prosody (Debian's 0.12) for tests and the demo: loopback only, free ports, data in
 * a temp folder, in the foreground so that it can be killed -9 and started again on the same
 * ports with the same data. See docs/platform.md, "Prosody".
 */
export interface ProsodyOptions {
  /** Virtual host. Default `localhost`. */
  domain?: string;
  /** HTTP port (WebSocket, file share); 0 picks a free one. Default 0. */
  httpPort?: number;
  /**
   * How long a dropped session stays resumable (XEP-0198 §5), in ms; Prosody counts seconds.
   * Default 20 000, so that a test can outlast it and see a fresh session sync from MAM.
   */
  hibernation?: number;
  /**
   * Any user name logs in with any password (mod_auth_insecure), for the demo only; the server
   * listens on loopback only. Default false: accounts come from `register()`.
   */
  openLogin?: boolean;
  /**
   * Offer stream management (XEP-0198, mod_smacks). Default true; false plays a server without
   * it, on which the transport acks by ping (worker/transports/xmpp/ping-acks.ts).
   */
  streamManagement?: boolean;
  /** Log level written to `prosody.log` in the data folder. Default `warn`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Tests only: a 1:1 message whose body starts with this makes the server exit at once, as a
   * crash would, between the two archive copies it keeps (the sender's, written at
   * `pre-message`, and the receiver's, at `message/bare`). Once per body, so that the same
   * message sent again goes through. Default: none.
   */
  crashOn?: string;
}

export const PROSODY_BIN = '/usr/bin/prosody';
export const PROSODYCTL_BIN = '/usr/bin/prosodyctl';

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });

const config = (dir: string, domain: string, http: number, c2s: number, level: string, hibernation: number, open: boolean, smacks: boolean, crash: boolean) => `
-- Written by demo/prosody.ts; loopback only.
run_as_root = true
daemonize = false
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
certificates = "${dir}/certs"
log = { { levels = { min = "${level}" }, to = "file", filename = "${dir}/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { ${c2s} }
c2s_interfaces = { "127.0.0.1" }
http_ports = { ${http} }
http_interfaces = { "127.0.0.1" }
https_ports = {}
s2s_ports = {}
modules_enabled = { "roster"; "saslauth"; "disco"; "carbons"; "ping";${smacks ? ' "smacks";' : ''} "mam"; "websocket"; "time"; "version";${crash ? ' "parley_crash";' : ''} }
${crash ? `plugin_paths = { "${dir}" }` : ''}
modules_disabled = { "s2s"; "tls" }
${open ? 'authentication = "insecure"\ninsecure_open_authentication = "Yes please, I know what I\'m doing!"' : 'authentication = "internal_hashed"'}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_websocket_secure = true
http_default_host = "${domain}"
default_archive_policy = true
max_archive_query_results = 100
smacks_hibernation_time = ${Math.max(1, Math.round(hibernation / 1000))}
VirtualHost "${domain}"
Component "conference.${domain}" "muc"
  modules_enabled = { "muc_mam" }
  muc_room_locking = false
  muc_room_default_persistent = true
  muc_log_all_rooms = true
Component "upload.${domain}" "http_file_share"
  http_file_share_size_limit = 10485760
`;

/** ProsodyOptions.crashOn: hooked ahead of mod_mam's `message/bare` handler (priority 0). */
const crashModule = (dir: string, prefix: string) => `
-- Written by demo/prosody.ts, for tests only.
local prefix = ${JSON.stringify(prefix)};
local done = "${dir}/crashed";
module:hook("message/bare", function(event)
  local body = event.stanza:get_child_text("body");
  if not body or body:sub(1, #prefix) ~= prefix then return; end
  local f = io.open(done, "r");
  local seen = f and f:read("*a") or "";
  if f then f:close(); end
  if seen:find(body .. "\\n", 1, true) then return; end
  f = io.open(done, "a"); f:write(body, "\\n"); f:close();
  os.exit(1, false);
end, 10);
`;

export class Prosody {
  #child?: ChildProcess;
  #users = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly domain: string,
    readonly httpPort: number,
    readonly c2sPort: number,
  ) {}

  /** Writes the config and starts the server; resolves once the WebSocket endpoint answers. */
  static async start(options: ProsodyOptions = {}): Promise<Prosody> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-prosody-'));
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "certs"));
    const domain = options.domain ?? 'localhost';
    const http = options.httpPort || (await freePort());
    const c2s = await freePort();
    const file = join(dir, 'prosody.cfg.lua');
    if (options.crashOn) writeFileSync(join(dir, 'mod_parley_crash.lua'), crashModule(dir, options.crashOn));
    writeFileSync(file, config(dir, domain, http, c2s, options.logLevel ?? 'warn', options.hibernation ?? 20_000, options.openLogin ?? false, options.streamManagement ?? true, !!options.crashOn));
    const prosody = new Prosody(dir, file, domain, http, c2s);
    await prosody.resume();
    return prosody;
  }

  /** `ws://127.0.0.1:PORT/xmpp-websocket` (RFC 7395). */
  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.httpPort}/xmpp-websocket`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Creates an account (idempotent); prosodyctl writes it to disk, so it works while running. */
  register(user: string, password: string): void {
    if (this.#users.has(user)) return;
    const result = spawnSync(PROSODYCTL_BIN, ['--config', this.configFile, 'register', user, this.domain, password], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`prosodyctl register ${user} failed: ${result.stderr || result.stdout}`);
    this.#users.add(user);
  }

  /** Starts the server again (after kill) with the same ports and data. */
  async resume(): Promise<void> {
    if (this.#child) return;
    const child = spawn(PROSODY_BIN, ['--config', this.configFile, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    this.#child = child;
    const end = Date.now() + 20_000;
    for (;;) {
      if (!this.#child) throw new Error(`Prosody exited at start:\n${output}\n${this.log()}`);
      if (await this.#answers()) return;
      if (Date.now() > end) throw new Error(`Prosody did not answer on ${this.websocketUrl} within 20 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: no goodbye to any client, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'prosody.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async #answers(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.httpPort}/xmpp-websocket`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return true;
    } catch {
      return false;
    }
  }
}
