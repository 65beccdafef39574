import type { MqttClient } from 'mqtt';

/** mqtt.js's packet writer, which it keeps private; `done` is called once the packet is written. */
type SendPacket = (packet: { cmd: string; messageId?: number }, done?: () => void, ...rest: unknown[]) => void;

/**
 * Store-then-ack without a commit per message. The receiver acknowledges a QoS 1 message only
 * after taking ownership of it (MQTT 3.1.1 §4.3.2). mqtt.js sends the PUBACK when
 * `handleMessage` calls back, and parses no further packet until then. Holding that callback
 * until the message is stored made the engine store an MQTT burst one commit at a time: an
 * echo of our own messages during a drain, or a queue the broker kept while we were away.
 *
 * Instead, `handleMessage` calls back at once and hands over its store promise (`hold`). Each
 * PUBACK leaves only once its message and every message before it is stored, so PUBACKs keep
 * the order their PUBLISH packets came in (§4.6). Once a store fails, no later PUBACK
 * leaves: the transport ends the client, and the broker sends them all again to the persistent
 * session on the next link (§4.4).
 */
export function ackAfterStore(client: MqttClient): (messageId: number | undefined, stored: Promise<void>) => void {
  const held = new Map<number, Promise<void>>();
  let previous: Promise<void> = Promise.resolve();
  const inner = client as unknown as { _sendPacket: SendPacket };
  const send = inner._sendPacket.bind(client);
  inner._sendPacket = (packet, done, ...rest) => {
    if (packet.cmd !== 'puback') return send(packet, done, ...rest);
    const stored = (packet.messageId !== undefined && held.get(packet.messageId)) || Promise.resolve();
    if (packet.messageId !== undefined) held.delete(packet.messageId);
    previous = Promise.all([previous, stored]).then(() => send(packet, undefined, ...rest));
    // A rejected store ends the chain; nobody waits on it.
    previous.catch(() => undefined);
    // The next packet may be parsed and handed to the engine now.
    done?.();
  };
  return (messageId, stored) => {
    if (messageId !== undefined) held.set(messageId, stored);
  };
}
