import type { TestRunnerPlugin } from '@web/test-runner';
import { EjabberdCluster } from './ejabberd.ts';
import { TcpProxy } from './tcp-proxy.ts';
import { XMPP_PASSWORD, type XmppEnv } from './wtr-xmpp.ts';
import { XmppPeer, type PeerCommand } from './xmpp-peer.ts';

/** Which ejabberd a command is for: one node, or the two-node cluster. */
export type EjabberdServer = 'ejabberd' | 'ejabberd-cluster';
/** How long one `ejabberd-ready` waits for the start before it answers false, in ms. */
const READY_WAIT = 10_000;

const isEjabberd = (server: unknown): server is EjabberdServer => server === 'ejabberd' || server === 'ejabberd-cluster';

/**
 * ejabberd beside @web/test-runner, for the XMPP suites that run against it as well as against
 * Prosody (test/support/wtr-xmpp.ts). It answers the same commands as that plugin when their
 * payload names `server: 'ejabberd'` (one node) or `'ejabberd-cluster'` (two nodes on one
 * Mnesia database): `xmpp-env`, `xmpp-user`, `peer-start`, and `peer-*` for the peers it
 * started; and its own `ejabberd-ready` (see below), `ejabberd-kill` / `ejabberd-start`
 * (`{ server, node }`, node 0-based), and `ejabberd-report` (prints a figure for the run's notes). Listed before parley-xmpp in
 * web-test-runner.config.mjs, so that it sees these commands first.
 *
 * Each server set starts on its first use, so that runs without ejabberd tests don't pay for
 * it, and stops at serverStop, epmd included. A cluster takes longer to start than the 20 s
 * @web/test-runner gives one command, so the browser first asks `ejabberd-ready` until it says
 * true (test/browser/xmpp-env.ts); each answer comes within READY_WAIT ms.
 */
export function ejabberdServers(): TestRunnerPlugin {
  const sets = new Map<EjabberdServer, Promise<{ cluster: EjabberdCluster; proxy: TcpProxy }>>();
  const peers = new Map<string, XmppPeer>();

  const get = (server: EjabberdServer) => {
    let set = sets.get(server);
    if (!set) {
      set = (async () => {
        const cluster = await EjabberdCluster.start({ nodes: server === 'ejabberd' ? 1 : 2 });
        console.log(`[ejabberd] ${server}: ${cluster.nodes.length} node(s) started and clustered in ${cluster.startupMs} ms`);
        // The contract suite's fixed users, as on the test Prosody (it runs on one node).
        if (server === 'ejabberd') await Promise.all(['ann', 'bob', 'pinger', 'closer', 'survivor'].map((user) => cluster.register(user, XMPP_PASSWORD)));
        return { cluster, proxy: await TcpProxy.start({ port: cluster.nodes[0]!.httpPort }) };
      })();
      sets.set(server, set);
    }
    return set;
  };

  return {
    name: 'parley-ejabberd',
    async serverStop() {
      await Promise.all([...peers.values()].map((p) => p.stop()));
      const stops = [...sets.values()].map(async (set) => {
        const { cluster, proxy } = await set.catch(() => ({ cluster: undefined, proxy: undefined }));
        await proxy?.close();
        await cluster?.stop();
      });
      await Promise.all(stops);
    },
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as Record<string, unknown>;
      if (command.startsWith('peer-') && command !== 'peer-start') {
        // Peers started here are driven here; any other name is parley-xmpp's.
        const peer = peers.get(String(args.name));
        if (!peer) return undefined;
        switch (command) {
          case 'peer-command':
            peer.command(JSON.parse(String(args.command)) as PeerCommand);
            return true;
          case 'peer-received':
            return peer.received;
          case 'peer-synced':
            return peer.synced;
          case 'peer-stop':
            await peer.stop();
            peers.delete(String(args.name));
            return true;
          default:
            return undefined;
        }
      }
      if (!isEjabberd(args.server)) return undefined;
      if (command === 'ejabberd-ready') {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<false>((done) => (timer = setTimeout(() => done(false), READY_WAIT)));
        // A start that failed rejects here, and the test fails with its reason.
        return await Promise.race([get(args.server).then(() => true), late]).finally(() => clearTimeout(timer));
      }
      const { cluster, proxy } = await get(args.server);
      const jid = (user: string) => `${user}@${cluster.domain}`;
      switch (command) {
        case 'xmpp-env':
          return {
            url: cluster.nodes[0]!.websocketUrl,
            urls: cluster.nodes.map((n) => n.websocketUrl),
            proxyUrl: `ws://127.0.0.1:${proxy.port}/ws`,
            domain: cluster.domain,
            muc: `conference.${cluster.domain}`,
            password: XMPP_PASSWORD,
            startupMs: cluster.startupMs,
          } satisfies XmppEnv;
        case 'xmpp-user':
          await cluster.register(String(args.name), XMPP_PASSWORD);
          return jid(String(args.name));
        case 'peer-start': {
          const name = String(args.name);
          await cluster.register(name, XMPP_PASSWORD);
          // On the node named, or the first one.
          const node = cluster.nodes[Number(args.node ?? 0)]!;
          peers.set(name, await XmppPeer.start(jid(name), XMPP_PASSWORD, node.c2sPort));
          return jid(name);
        }
        case 'ejabberd-kill': {
          const node = cluster.nodes[Number(args.node ?? 0)]!;
          // When the signal went, for the failover figures (kill → open on another node).
          const at = Date.now();
          await node.kill();
          console.log(`[ejabberd] ${args.server}: ${node.name} killed (SIGKILL); gone after ${Date.now() - at} ms`);
          return at;
        }
        case 'ejabberd-start':
          await cluster.resume(Number(args.node ?? 0));
          return true;
        case 'ejabberd-report':
          console.log(`[ejabberd] ${args.server}: ${String(args.line)}`);
          return true;
        default:
          return undefined;
      }
    },
  };
}
