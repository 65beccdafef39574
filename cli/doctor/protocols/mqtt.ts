import mqtt from 'mqtt';
import { clientIdFor } from '../../../worker/transports/mqtt/session.ts';
import { LayerFailure } from '../layer.ts';
import type { Frame, SocketTap } from '../tap.ts';
import { DOCTOR_USER, type ProtocolProfile } from './profile.ts';

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3) as a cause and a fix. */
const CONNACK: Record<number, { cause: string; fix: string }> = {
  1: { cause: 'unacceptable protocol version, the broker does not speak MQTT 3.1.1', fix: 'use a broker that supports MQTT 3.1.1 (protocol level 4)' },
  2: { cause: 'identifier rejected, the broker refused the client id', fix: "check the broker's client id rules (Parley sends 23 characters of [0-9a-z])" },
  3: { cause: 'server unavailable, the broker is up but its MQTT service is not', fix: "check the broker's log" },
  4: { cause: 'bad user name or password', fix: 'check --user and --password' },
  5: { cause: 'not authorised, check user and password', fix: "check --user and --password, and the broker's access rules for this user" },
};

/**
 * The MQTT control packets in what the broker sent, in order. A broker may split packets
 * across WebSocket frames (aedes sends the fixed header and the rest apart), and MQTT over
 * WebSocket allows it (§6.0), so the frames are joined and walked by their fixed headers
 * (§2.2: type in the high nibble, then the remaining length in 1 to 4 bytes, §2.2.3). Only the
 * packet type and body are read; mqtt.js did the parsing that mattered.
 */
export function mqttPackets(frames: Frame[]): { type: number; body: Uint8Array }[] {
  const bytes = Buffer.concat(frames.filter((f) => f.dir === 'in' && f.bytes).map((f) => f.bytes!));
  const packets: { type: number; body: Uint8Array }[] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = 0;
    let shift = 0;
    let i = at + 1;
    for (; i < bytes.length && i < at + 5; i++) {
      length += (bytes[i]! & 0x7f) << shift;
      shift += 7;
      if ((bytes[i]! & 0x80) === 0) break;
    }
    const start = i + 1;
    if (i >= bytes.length || start + length > bytes.length) break;
    packets.push({ type: bytes[at]! >> 4, body: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return packets;
}

/** CONNACK (type 2, §3.2): the session-present flag and the return code, if the broker sent one. */
export function connackOf(tap: SocketTap | undefined): { sessionPresent: boolean; returnCode: number } | undefined {
  const first = mqttPackets(tap?.frames ?? [])[0];
  if (first?.type !== 2 || first.body.length < 2) return undefined;
  return { sessionPresent: (first.body[0]! & 1) === 1, returnCode: first.body[1]! };
}

/** PINGRESP packets (type 13, §3.13) among the frames. */
const pingResponses = (frames: Frame[]) => mqttPackets(frames).filter((p) => p.type === 13).length;

/** MQTT 3.1.1 over WebSocket (worker/transports/mqtt): CONNECT → CONNACK, PINGREQ → PINGRESP. */
export const mqttProfile: ProtocolProfile = {
  subprotocol: 'mqtt',
  examplePath: '/mqtt',
  config: (t) => ({ protocol: 'mqtt', url: t.url.href, user: t.user ?? DOCTOR_USER, password: t.password }),
  handshake(tap) {
    const connack = connackOf(tap);
    const present = connack?.sessionPresent ? ', session present' : '';
    return { detail: `CONNECT → CONNACK 0 (accepted)${present}`, facts: { connack: connack?.returnCode ?? 0 } };
  },
  refused(info, tap) {
    const connack = connackOf(tap);
    const known = connack && CONNACK[connack.returnCode];
    if (connack && known) return new LayerFailure(`CONNACK ${connack.returnCode}: ${known.cause}`, known.fix, { connack: connack.returnCode });
    if (connack) return new LayerFailure(`CONNACK ${connack.returnCode}: refused for a reason MQTT 3.1.1 does not define`, "check the broker's log", { connack: connack.returnCode });
    return new LayerFailure(
      `the broker closed the link without a CONNACK: ${info.reason}`,
      "check the broker's log; is this an MQTT endpoint? e.g. /mqtt",
      { code: info.code },
    );
  },
  stalled: (_tap, t) =>
    new LayerFailure(
      `handshake timeout: no CONNACK within ${t.timeout} ms after CONNECT`,
      'the endpoint accepts WebSocket but does not answer MQTT: check the path, e.g. /mqtt, and --protocol',
    ),
  pong: (tap, from) => pingResponses(tap.frames) > pingResponses(tap.frames.slice(0, from)),
  pingWords: 'PINGREQ → PINGRESP',
  /**
   * The transport asks for a persistent session (clean session 0, §3.1.2.4), so the broker
   * would keep the doctor's subscriptions and queue the room's messages for it forever. A
   * CONNECT with the same client id and clean session 1 discards that session; it is done
   * with mqtt.js, the library the transport uses.
   */
  async cleanup(t, deviceIds) {
    const user = t.user ?? DOCTOR_USER;
    for (const deviceId of deviceIds) {
      const clientId = await clientIdFor(deviceId, { user, url: t.url.href });
      const client = await mqtt.connectAsync(t.url.href, {
        clientId,
        clean: true,
        protocolVersion: 4,
        username: user,
        password: t.password,
        reconnectPeriod: 0,
        connectTimeout: t.timeout,
      });
      await client.endAsync();
    }
  },
};
