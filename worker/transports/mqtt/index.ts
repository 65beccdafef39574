import mqtt from 'mqtt/dist/mqtt.esm';
import type { MqttClient } from 'mqtt';
import type { ConnectionConfig } from '../../api.ts';
import { ProtocolError, ValidationError } from '../../errors.ts';
import { encodeChat, encodeTyping, parseChat, parseTyping } from './payload.ts';
import { clientIdFor, clientOptions } from './session.ts';
import { DEFAULT_TOPIC_PREFIX, topicMap, validPrefix, type TopicMap } from './topics.ts';
import type { OutgoingMessage, Transport, TransportContext, TransportEvents, TransportFactory } from '../transport.ts';

/** CONNACK return codes that reconnecting cannot fix (MQTT 3.1.1 §3.2.2.3). */
const REFUSALS: Record<number, string> = {
  1: 'The broker does not speak MQTT 3.1.1.',
  2: 'The broker rejected the client id.',
  4: 'The broker refused the user name or password.',
  5: 'The broker says this user is not authorised to connect.',
};

/** Parley over MQTT 3.1.1 on a WebSocket, through mqtt.js; mapping in docs/mqtt.md. */
export const createTransport: TransportFactory = (config, events, context) => new MqttTransport(config, events, context);

class MqttTransport implements Transport {
  readonly #topics: TopicMap;
  #client?: MqttClient;
  #closed = false;
  #reported = false;

  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
    readonly context: TransportContext,
  ) {
    this.#topics = topicMap(config.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
  }

  open(): void {
    // Settings that no retry can fix fail the connection for good.
    const prefix = this.config.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    const problem = !/^wss?:\/\/./i.test(this.config.url)
      ? `The MQTT server must be a ws:// or wss:// URL, not "${this.config.url}".`
      : !validPrefix(prefix)
        ? `The MQTT topic prefix "${prefix}" may not be empty or contain + or #.`
        : undefined;
    if (problem) return queueMicrotask(() => this.#close({ code: 'config', reason: problem, fatal: true }));
    clientIdFor(this.context.deviceId, this.config)
      .then((clientId) => !this.#closed && this.#connect(clientId))
      .catch((e) => this.#close({ code: 'network', reason: `Could not start MQTT: ${e}`, fatal: false }));
  }

  #connect(clientId: string): void {
    const client = mqtt.connect(this.config.url, clientOptions(this.config, clientId));
    this.#client = client;
    client.on('packetreceive', (packet) => {
      if (!this.#live()) return;
      // Seen before mqtt.js handles the CONNACK: on a refusal it tears the stream down, and
      // its `close` can come before its `error`.
      const refusal = packet.cmd === 'connack' && packet.returnCode ? REFUSALS[packet.returnCode] : undefined;
      if (refusal) return this.#close({ code: 'auth', reason: refusal, fatal: true });
      this.events.activity();
    });
    client.on('connect', () => this.#live() && this.events.open());
    // mqtt.js sends the PUBACK for a QoS 1 message only when handleMessage calls back, so
    // call back once the engine has stored it: a crash before that gets it redelivered
    // (MQTT 3.1.1 §4.3.2: the receiver acknowledges after taking ownership).
    client.handleMessage = (packet, done) => {
      if (packet.cmd !== 'publish' || !this.#live()) return done();
      const payload = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
      void Promise.resolve(this.#receive(packet.topic, payload))
        .catch(() => undefined)
        .finally(() => done());
    };
    // Refusals are handled above; other errors end in `close`, which reports them.
    client.on('error', () => undefined);
    client.on('close', () => this.#close({ code: 'closed-by-server', reason: 'The MQTT connection closed.', fatal: false }));
  }

  join(room: string): void {
    // A broker keeps no history to page through, so there is never anything older to show.
    this.events.historyEnd(room);
    // QoS 1 for chat, so the session queues it while we are away; typing is ephemeral.
    this.#client?.subscribe({ [this.#topics.chat(room)]: { qos: 1 }, [this.#topics.typing(room)]: { qos: 0 } }, (error, granted) => {
      if (!this.#live()) return;
      if (error || granted?.some((g) => g.qos === 128))
        this.events.error(new ProtocolError('subscribe-refused', `The broker refused a subscription to room "${room}".`));
    });
  }

  send(message: OutgoingMessage): void {
    const client = this.#client;
    if (!client?.connected) return;
    client.publish(this.#topics.chat(message.room), encodeChat(message) as Buffer, { qos: 1 }, (error) => {
      if (!this.#live()) return;
      // PUBACK (§3.4): the broker owns the message now. Other errors mean the link went down
      // before the PUBACK; the Connection resends on the next link.
      if (!error) return this.events.ack(message.id, {});
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && code >= 0x80)
        this.events.reject(message.id, new ValidationError('refused', `The broker refused the message: ${error.message}`));
    });
  }

  typing(room: string, typing: boolean): void {
    if (!this.#client?.connected) return;
    const payload = encodeTyping({ from: this.config.user, typing }) as Buffer;
    this.#client.publish(this.#topics.typing(room), payload, { qos: 0, retain: false });
  }

  /** MQTT keeps no history to page through; a persistent session replays what was missed. */
  older(): void {}

  ping(): void {
    // PINGREQ; the PINGRESP arrives as a packet and counts as activity (§3.12, §3.13).
    if (this.#client?.connected) this.#client.sendPing();
  }

  close(): void {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    client?.end(true);
  }

  #live(): boolean {
    return !this.#closed && !this.#reported;
  }

  #close(info: { code: string; reason: string; fatal: boolean }): void {
    if (!this.#live()) return;
    this.#reported = true;
    const client = this.#client;
    this.#client = undefined;
    client?.end(true);
    this.events.close(info);
  }

  #receive(topic: string, payload: Uint8Array): void | Promise<void> {
    const target = this.#topics.parse(topic);
    if (!target) return;
    if (target.kind === 'typing') {
      const typing = parseTyping(payload);
      if (typing.ok === true) this.events.typing(target.room, typing.value.from, typing.value.typing);
      else if (typing.ok === false) this.#bad(topic, typing.reason);
      return;
    }
    const chat = parseChat(payload, Date.now());
    if (chat.ok === true) {
      const { id, from, text, ts } = chat.value;
      return this.events.message({ id, room: target.room, from, text, ts });
    } else if (chat.ok === false) this.#bad(topic, chat.reason);
  }

  #bad(topic: string, reason: string): void {
    this.events.error(new ProtocolError('bad-payload', `Ignored a message on "${topic}": ${reason}.`));
  }
}
