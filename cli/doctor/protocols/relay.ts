import { parseFrame, type ServerFrame } from '../../../worker/transports/json/wire.ts';
import { LayerFailure } from '../layer.ts';
import type { Frame } from '../tap.ts';
import { DOCTOR_USER, type ProtocolProfile } from './profile.ts';

const frameOf = (f: Frame): ServerFrame | undefined => {
  const parsed = f.text === undefined ? undefined : parseFrame<ServerFrame>(f.text);
  return typeof parsed === 'object' ? parsed : undefined;
};

/** Parley's JSON relay (worker/transports/json/wire.ts): hello → welcome, ping → pong. */
export const relay: ProtocolProfile = {
  examplePath: '/relay',
  config: (t) => ({ protocol: 'websocket', url: t.url.href, user: t.user ?? DOCTOR_USER, password: t.password }),
  handshake(tap, t) {
    const welcome = tap?.inbound().map(frameOf).find((f) => f?.type === 'welcome');
    const user = welcome?.type === 'welcome' ? welcome.user : (t.user ?? DOCTOR_USER);
    return { detail: `hello → welcome as ${user}${t.password ? ' (token accepted)' : ''}`, facts: { user } };
  },
  refused(info, _tap, t) {
    const facts = { code: info.code, reason: info.reason };
    switch (info.code) {
      case 'auth':
        return new LayerFailure(
          `the relay refused the login: ${info.reason}`,
          t.password ? 'check --password: it must be the relay\'s token' : 'this relay wants a token: pass it with --password',
          facts,
        );
      case 'version':
        return new LayerFailure(`protocol version mismatch: ${info.reason}`, 'use a Parley and a relay of the same protocol version', facts);
      case 'config':
        return new LayerFailure(`the relay refused the user name: ${info.reason}`, 'pass --user with 1 to 64 characters', facts);
      default:
        return new LayerFailure(
          `the server closed the link before welcome: ${info.reason}`,
          "is this a Parley relay? Check the server's log and the path, e.g. /relay",
          facts,
        );
    }
  },
  stalled: (_tap, t) =>
    new LayerFailure(
      `handshake timeout: no welcome from the relay within ${t.timeout} ms after hello`,
      'the endpoint accepts WebSocket but does not speak the Parley relay protocol: check the path, e.g. /relay, and --protocol',
    ),
  pong: (tap, from) => tap.frames.slice(from).some((f) => f.dir === 'in' && frameOf(f)?.type === 'pong'),
  pingWords: 'ping → pong',
};
