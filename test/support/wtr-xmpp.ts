import { existsSync } from 'node:fs';
import type { TestRunnerPlugin } from '@web/test-runner';
import { Prosody, PROSODY_BIN } from '../../demo/prosody.ts';
import { TcpProxy, type ProxyMode } from './tcp-proxy.ts';
import { XmppPeer, type PeerCommand } from './xmpp-peer.ts';

/** Every test account's password. */
export const XMPP_PASSWORD = 'parley-test';

/** A 1:1 message whose body starts with this crashes the test Prosody once (ProsodyOptions.crashOn). */
export const CRASH_PREFIX = 'parley-test-crash ';

export interface XmppEnv {
  /** Prosody's RFC 7395 endpoint. */
  url: string;
  /** The same endpoint through a TcpProxy that tests can switch off (`xmpp-proxy`). */
  proxyUrl: string;
  domain: string;
  /** MUC service. */
  muc: string;
  password: string;
  /** On the test Prosody: a 1:1 body that starts with this crashes it once (ProsodyOptions.crashOn). */
  crashPrefix?: string;
  /** Every node's endpoint, `url` first, on a cluster (test/support/wtr-ejabberd.ts). */
  urls?: string[];
  /** ms the server set took to start, on ejabberd (test/support/ejabberd.ts). */
  startupMs?: number;
}

/**
 * A private Prosody beside @web/test-runner, with server commands for browser tests:
 * `xmpp-env`, `xmpp-user` (registers a fresh account), `xmpp-plain-user` (an account on a
 * second Prosody without XEP-0198), `prosody-kill` (SIGKILL),
 * `prosody-start`, `xmpp-proxy` (forward | blackhole | refuse) and `peer-*`, which drive a
 * slixmpp client (a real, non-Parley XMPP client).
 */
export function xmppServers(): TestRunnerPlugin {
  let prosody: Prosody | undefined;
  /** A second Prosody without stream management (XEP-0198), started on first use. */
  let plain: Promise<Prosody> | undefined;
  const plainProsody = () => (plain ??= Prosody.start({ streamManagement: false }));
  let proxy: TcpProxy | undefined;
  const peers = new Map<string, XmppPeer>();
  const jid = (user: string) => `${user}@${prosody!.domain}`;
  const peer = (user: string) => {
    const p = peers.get(user);
    if (!p) throw new Error(`no slixmpp peer "${user}"; call peer-start first`);
    return p;
  };

  return {
    name: 'parley-xmpp',
    async serverStart() {
      if (!existsSync(PROSODY_BIN)) throw new Error(`Prosody is missing: apt-get install prosody (${PROSODY_BIN})`);
      prosody = await Prosody.start({ crashOn: CRASH_PREFIX });
      proxy = await TcpProxy.start({ port: prosody.httpPort });
      // The contract suite's fixed users.
      for (const user of ['ann', 'bob', 'pinger', 'closer', 'survivor']) prosody.register(user, XMPP_PASSWORD);
    },
    async serverStop() {
      await Promise.all([...peers.values()].map((p) => p.stop()));
      await proxy?.close();
      await prosody?.stop();
      await (await plain)?.stop();
    },
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as Record<string, string | number | undefined>;
      switch (command) {
        case 'xmpp-env':
          return {
            url: prosody!.websocketUrl,
            proxyUrl: `ws://127.0.0.1:${proxy!.port}/xmpp-websocket`,
            domain: prosody!.domain,
            muc: `conference.${prosody!.domain}`,
            password: XMPP_PASSWORD,
            crashPrefix: CRASH_PREFIX,
          } satisfies XmppEnv;
        case 'xmpp-user':
          prosody!.register(String(args.name), XMPP_PASSWORD);
          return jid(String(args.name));
        case 'xmpp-plain-user': {
          // `{ url, jid }` of a fresh account on the Prosody without stream management.
          const server = await plainProsody();
          server.register(String(args.name), XMPP_PASSWORD);
          return { url: server.websocketUrl, jid: `${args.name}@${server.domain}` };
        }
        case 'prosody-kill':
          await prosody!.kill();
          return true;
        case 'prosody-start':
          await prosody!.resume();
          return true;
        case 'prosody-log':
          return prosody!.log();
        case 'xmpp-proxy':
          proxy!.set(String(args.mode) as ProxyMode);
          return true;
        case 'peer-start': {
          const name = String(args.name);
          prosody!.register(name, XMPP_PASSWORD);
          peers.set(name, await XmppPeer.start(jid(name), XMPP_PASSWORD, prosody!.c2sPort));
          return jid(name);
        }
        case 'peer-command':
          peer(String(args.name)).command(JSON.parse(String(args.command)) as PeerCommand);
          return true;
        case 'peer-received':
          return peer(String(args.name)).received;
        case 'peer-synced':
          return peer(String(args.name)).synced;
        case 'peer-stop':
          await peers.get(String(args.name))?.stop();
          peers.delete(String(args.name));
          return true;
        default:
          return undefined;
      }
    },
  };
}
