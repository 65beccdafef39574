import { parseArgs } from 'node:util';
import { PROTOCOLS, type Protocol } from '../../worker/api.ts';
import { bareHost, type Target } from './target.ts';

/** Longest wait for any one layer, in ms, unless `--timeout` says otherwise. */
export const DEFAULT_TIMEOUT = 10_000;

export const USAGE = `Usage: parley doctor <url> [options]

Checks a chat server layer by layer: DNS, TCP connect, TLS (wss://), WebSocket upgrade,
protocol handshake, round trip, and optionally a message sent to a room.

  <url>                 ws:// or wss:// URL of the relay, MQTT broker or XMPP endpoint
  --protocol <name>     websocket (Parley's JSON relay, default), mqtt or xmpp
  --user <name>         user name (relay, MQTT; default parley-doctor) or bare JID (XMPP, required)
  --password <secret>   password or token, if the server asks for one
  --room <room>         also send a message to this room and wait to see it come back
                        (XMPP: a MUC room as room@conference.example.com?join)
  --timeout <ms>        longest wait for any one layer, in ms (default ${DEFAULT_TIMEOUT})
  --json                print the result as one JSON object
  -h, --help            this help

Exit code: 0 when every layer passed, 1 when one failed, 2 for a wrong command line.
`;

/** A command line the doctor cannot run; the message says what to change. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads `parley doctor`'s arguments (after the word `doctor`). */
export function parseDoctorArgs(args: string[]): { target: Target; json: boolean } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        protocol: { type: 'string', default: 'websocket' },
        user: { type: 'string' },
        password: { type: 'string' },
        room: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one URL expected, got ${positionals.length}: ${positionals.join(' ')}` : 'the server URL is missing');
  const protocol = values.protocol as Protocol;
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new UsageError(`--protocol must be one of ${PROTOCOLS.join(', ')}, not "${values.protocol}"`);
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(`"${positionals[0]}" is not a URL; write it as ws://host:port/path or wss://host/path`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError(
      `the URL must start with ws:// or wss://, not ${url.protocol}//${url.protocol === 'http:' || url.protocol === 'https:' ? ` (try ${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}${url.pathname})` : ''}`,
    );
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT : Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 1) throw new UsageError(`--timeout is a whole number of ms above 0, not "${values.timeout}"`);
  if (protocol === 'xmpp' && !values.user?.includes('@')) throw new UsageError('XMPP needs --user as a bare JID, e.g. --user ann@example.com');
  if (values.user !== undefined && !values.user.trim()) throw new UsageError('--user may not be empty');
  if (values.room !== undefined && !values.room.trim()) throw new UsageError('--room may not be empty; leave it out to skip the message check');
  const secure = url.protocol === 'wss:';
  return {
    json: values.json,
    target: {
      url,
      protocol,
      host: bareHost(url),
      port: Number(url.port) || (secure ? 443 : 80),
      secure,
      user: values.user,
      password: values.password,
      room: values.room,
      timeout,
    },
  };
}
