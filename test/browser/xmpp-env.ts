import { executeServerCommand } from '@web/test-runner-commands';
import type { XmppEnv } from '../support/wtr-xmpp.ts';
import type { PeerCommand, PeerMessage } from '../support/xmpp-peer.ts';
import { waitFor } from '../support/wait.ts';
import { uniqueName } from './tabs.ts';

/**
 * Browser-side helpers for the XMPP tests; the servers live in test/support/wtr-xmpp.ts
 * (Prosody, the default) and test/support/wtr-ejabberd.ts (one ejabberd node, or two in a
 * cluster), each started on first use.
 */
export type XmppServer = 'prosody' | 'ejabberd' | 'ejabberd-cluster';

const readiness = new Map<XmppServer, Promise<unknown>>();

/**
 * Resolves once `server` runs. Prosody starts with the test run; ejabberd on first use, and a
 * cluster takes longer than one server command may (test/support/wtr-ejabberd.ts).
 */
const ready = (server: XmppServer): Promise<unknown> => {
  if (server === 'prosody') return Promise.resolve();
  let started = readiness.get(server);
  if (!started) {
    started = waitFor(() => executeServerCommand('ejabberd-ready', { server }) as Promise<boolean>, 120_000, `${server} to start`, 0);
    readiness.set(server, started);
  }
  return started;
};

export const xmppEnv = async (server: XmppServer = 'prosody'): Promise<XmppEnv> => {
  await ready(server);
  return (await executeServerCommand('xmpp-env', { server })) as XmppEnv;
};

/** Registers a fresh account and returns its bare JID. */
export const xmppUser = async (prefix: string, server: XmppServer = 'prosody'): Promise<string> => {
  await ready(server);
  return (await executeServerCommand('xmpp-user', { name: uniqueName(prefix), server })) as string;
};

/** A fresh MUC room, in the `room@service?join` form the transport reads as a MUC. */
export const mucRoom = async (prefix = 'room', server: XmppServer = 'prosody'): Promise<string> =>
  `${uniqueName(prefix)}@${(await xmppEnv(server)).muc}?join`;

export const command = async (name: string, payload?: object): Promise<void> => void (await executeServerCommand(name, payload));

/**
 * A slixmpp client (not Parley) logged in as a fresh account; returns its JID and controls.
 * On a cluster, `node` (0-based) is the one it connects to.
 */
export async function startPeer(prefix: string, server: XmppServer = 'prosody', node = 0) {
  const name = uniqueName(prefix);
  await ready(server);
  const jid = (await executeServerCommand('peer-start', { name, server, node })) as string;
  return {
    jid,
    do: (cmd: PeerCommand) => command('peer-command', { name, command: JSON.stringify(cmd) }),
    received: async () => (await executeServerCommand('peer-received', { name })) as PeerMessage[],
    /** Resolves once the server has handled everything this peer sent so far. */
    sync: async () => {
      const before = (await executeServerCommand('peer-synced', { name })) as number;
      await command('peer-command', { name, command: JSON.stringify({ op: 'sync' }) });
      await waitFor(async () => ((await executeServerCommand('peer-synced', { name })) as number) > before, 20_000, 'the peer\'s sync');
    },
    stop: () => command('peer-stop', { name }),
  };
}

// The XMPP tests' engine options are the shared ones (test/support/fast-options.ts).
export { FAST } from '../support/fast-options.ts';

/** `ann-1234@localhost` → `ann-1234`, the default MUC nickname. */
export const localPart = (jid: string): string => jid.split('@')[0]!;
