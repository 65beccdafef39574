import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A program a suite needs, and the Debian package that brings it. */
export interface SystemDep {
  command: string;
  pkg: string;
  /** What needs it, for the message when it is missing. */
  usedBy: string;
}

export const SYSTEM_DEPS: SystemDep[] = [
  { command: '/usr/bin/chromium', pkg: 'chromium', usedBy: 'browser and end-to-end tests' },
  { command: '/usr/bin/firefox-esr', pkg: 'firefox-esr', usedBy: 'browser tests in Firefox and the Firefox end-to-end tests' },
  { command: '/usr/sbin/mosquitto', pkg: 'mosquitto', usedBy: 'MQTT browser tests (a real broker)' },
  { command: '/usr/bin/mosquitto_passwd', pkg: 'mosquitto', usedBy: 'MQTT browser tests (the wrong-password check)' },
  { command: '/usr/bin/mosquitto_pub', pkg: 'mosquitto-clients', usedBy: 'MQTT browser tests (a real peer)' },
  { command: '/usr/bin/mosquitto_sub', pkg: 'mosquitto-clients', usedBy: 'MQTT browser tests (a real peer)' },
  { command: '/usr/lib/rabbitmq/bin/rabbitmq-server', pkg: 'rabbitmq-server', usedBy: 'MQTT browser tests on RabbitMQ (test/support/rabbitmq.ts)' },
  { command: '/usr/bin/prosody', pkg: 'prosody', usedBy: 'XMPP browser tests (demo/prosody.ts)' },
  { command: '/usr/sbin/ejabberdctl', pkg: 'ejabberd', usedBy: 'XMPP browser tests on ejabberd, one node and a cluster (test/support/ejabberd.ts)' },
  // Debian's slixmpp, importable by /usr/bin/python3 only (docs/platform.md).
  { command: '/usr/lib/python3/dist-packages/slixmpp/__init__.py', pkg: 'python3-slixmpp', usedBy: 'XMPP browser tests (test/fixtures/xmpp-peer.py)' },
];

const present = (dep: SystemDep) =>
  dep.command.startsWith('/') ? existsSync(dep.command) : spawnSync('sh', ['-c', `command -v ${dep.command}`]).status === 0;

/**
 * Installs what is missing with apt-get when we are root on Debian; otherwise says what is
 * missing. Returns the deps still missing afterwards.
 */
export function ensureSystemDeps(deps = SYSTEM_DEPS): SystemDep[] {
  let missing = deps.filter((d) => !present(d));
  if (missing.length === 0) return [];
  const pkgs = [...new Set(missing.map((d) => d.pkg))];
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canInstall) {
    console.log(`Installing system packages: ${pkgs.join(' ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    missing = deps.filter((d) => !present(d));
  }
  for (const d of missing)
    console.error(`Missing: ${d.command} (Debian package "${d.pkg}"), needed by ${d.usedBy}. Install it with: apt-get install ${d.pkg}`);
  return missing;
}
