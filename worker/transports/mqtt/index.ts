import type { MqttClient } from 'mqtt';
import type { ConnectionConfig } from '../../api.ts';
import { ProtocolError, ValidationError } from '../../errors.ts';
import { encodeChat, encodeTyping, parseChat, parseTyping } from './payload.ts';
import { encodeRead, parseRead } from './read-marker.ts';
import { ackAfterStore } from './ack-after-store.ts';
import { connect } from './lite/index.ts';
import { clientIdFor, clientOptions } from './session.ts';
import { SessionWatch } from './session-watch.ts';
import { DEFAULT_TOPIC_PREFIX, topicMap, validPrefix, type TopicMap } from './topics.ts';
import type { CloseCode } from '../../codes.ts';
import type { CloseInfo, OutgoingMessage, Transport, TransportContext, TransportEvents, TransportModule } from '../transport.ts';

/** CONNACK return codes that reconnecting cannot fix (MQTT 3.1.1 §3.2.2.3), onto worker/codes.ts. */
const REFUSALS: Record<number, { code: CloseCode; reason: string }> = {
  1: { code: 'version', reason: 'The broker does not speak MQTT 3.1.1.' },
  2: { code: 'config', reason: 'The broker rejected the client id.' },
  4: { code: 'auth', reason: 'The broker refused the user name or password.' },
  5: { code: 'auth', reason: 'The broker says this user is not authorised to connect.' },
};

/** SUBACK's return code for a refused subscription (§3.9.3). */
const SUBACK_FAILURE = 128;

/**
 * Parley over MQTT 3.1.1 on a WebSocket, through mqtt.js's client (lite/index.ts); mapping in
 * docs/mqtt.md. The broker's persistent session is the state that outlives a link; the
 * connection only remembers whether it expects one, and which client id (session-watch.ts).
 */
export const transport: TransportModule<SessionWatch> = {
  capabilities: { cursor: 'none', serverHistory: false, receipts: false, readMarkers: true, upload: false, senderName: 'name' },
  session: () => new SessionWatch(),
  create: (config, events, context, session) => new MqttTransport(config, events, context, session),
};

class MqttTransport implements Transport {
  readonly #topics: TopicMap;
  #client?: MqttClient;
  /** close() was called: a client id that arrives later must not start a connect. */
  #closed = false;

  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
    readonly context: TransportContext,
    readonly session: SessionWatch,
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
    if (problem) return queueMicrotask(() => this.#fail({ code: 'config', reason: problem, fatal: true }));
    clientIdFor(this.context.deviceId, this.config, this.session.generation)
      .then((clientId) => !this.#closed && this.#connect(clientId))
      .catch((e) => this.#fail({ code: 'network', reason: `Could not start MQTT: ${e}`, fatal: false }));
  }

  #connect(clientId: string): void {
    const client = connect(this.config.url, clientOptions(this.config, clientId, this.context.heartbeat), (code, reason) => {
      // RabbitMQ's Web MQTT plugin refuses credentials by closing the WebSocket (1002
      // "unauthenticated") instead of answering CONNACK 4 (docs/mqtt.md, "RabbitMQ").
      if (this.#client === client && !client.connected && code === 1002 && /unauthenticated/i.test(reason))
        this.#fail({ ...REFUSALS[4]!, fatal: true });
    });
    this.#client = client;
    client.on('packetreceive', (packet) => {
      // Seen before mqtt.js handles the CONNACK: on a refusal it tears the stream down, and
      // its `close` can come before its `error`.
      const refusal = packet.cmd === 'connack' && packet.returnCode ? REFUSALS[packet.returnCode] : undefined;
      if (refusal) return this.#fail({ ...refusal, fatal: true });
      this.events.activity();
    });
    client.on('connect', (connack) => {
      if (this.session.connected(connack.sessionPresent)) this.events.sessionLost?.();
      this.events.open();
    });
    // A QoS 1 message's PUBACK leaves once the engine has stored it and those before it (MQTT
    // 3.1.1 §4.3.2), while mqtt.js goes on reading: see ack-after-store.ts. If it could not be
    // stored, end the client, so that no later PUBACK goes out either, and the broker sends it
    // again, with those after it, to the persistent session on the next link (§4.4).
    const hold = ackAfterStore(client);
    client.handleMessage = (packet, done) => {
      if (packet.cmd !== 'publish') return done();
      const payload = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
      const stored = this.#receive(packet.topic, payload);
      if (stored) {
        hold(packet.messageId, stored);
        stored.catch((e: unknown) =>
          this.#fail({ code: 'storage', reason: `A message could not be stored, so the broker will send it again: ${e}`, fatal: false }),
        );
      }
      done();
    };
    // Refusals are handled above; other errors end in `close`, which reports them.
    client.on('error', () => undefined);
    client.on('close', () => this.#fail({ code: 'closed-by-server', reason: 'The MQTT connection closed.', fatal: false }));
  }

  join(room: string): void {
    // A broker keeps no history to page through, so there is never anything older to show.
    this.events.historyEnd(room);
    // QoS 1 for chat, so the session queues it while we are away; typing and read markers are
    // ephemeral (a later marker covers a lost one).
    // SUBACK (§3.9) makes the room live: what is published to it from now on reaches us.
    const topics = { [this.#topics.chat(room)]: { qos: 1 as const }, [this.#topics.typing(room)]: { qos: 0 as const }, [this.#topics.read(room)]: { qos: 0 as const } };
    const client = this.#client;
    client?.subscribe(topics, (error, granted) => {
      // The link closed before the SUBACK (RabbitMQ closes it for an unreachable session): the
      // close is what counts, and it is reported; this is no refusal.
      if (error && (this.#client !== client || !client.connected)) return;
      if (error || !granted || granted.some((g) => g.qos === SUBACK_FAILURE))
        this.events.error(
          new ProtocolError('subscribe-refused', `The broker refused a subscription to room "${room}"${error ? `: ${error.message}` : ''}.`),
        );
      else {
        this.session.subscribed();
        this.events.joined(room);
      }
    });
  }

  send(message: OutgoingMessage): void {
    const client = this.#client;
    if (!client?.connected) return;
    client.publish(this.#topics.chat(message.room), encodeChat(message) as Buffer, { qos: 1 }, (error) => {
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
    const payload = encodeTyping({ from: this.config.user, name: this.config.name, typing }) as Buffer;
    this.#client.publish(this.#topics.typing(room), payload, { qos: 0, retain: false });
  }

  markRead(room: string, id: string): void {
    if (!this.#client?.connected) return;
    this.#client.publish(this.#topics.read(room), encodeRead({ from: this.config.user, id }) as Buffer, { qos: 0, retain: false });
  }

  /** MQTT keeps no history to page through; a persistent session replays what was missed. */
  older(): void {}

  ping(): void {
    // PINGREQ; the PINGRESP arrives as a packet and counts as activity (§3.12, §3.13).
    if (this.#client?.connected) this.#client.sendPing();
  }

  close(): void {
    this.#closed = true;
    this.#stop();
  }

  /** Reports the end of the link; the client and its listeners go with it, so its own `close` adds nothing. */
  #fail(info: CloseInfo): void {
    this.#stop();
    this.events.close(info);
  }

  #stop(): void {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    this.session.closed();
    client.removeAllListeners();
    // An EventEmitter throws an `error` that has no listener; the link is gone either way.
    client.on('error', () => undefined);
    client.end(true);
  }

  /** A promise for a chat message handed to the engine; nothing for anything else. */
  #receive(topic: string, payload: Uint8Array): Promise<void> | undefined {
    const target = this.#topics.parse(topic);
    if (!target) return;
    if (target.kind === 'read') {
      const read = parseRead(payload);
      if (read instanceof ProtocolError) this.#bad(topic, read);
      // Our own marker, from this or another device, says nothing of what a peer read.
      else if (read.from !== this.config.user) this.events.receipt(read.id, 'read');
      return;
    }
    if (target.kind === 'typing') {
      const typing = parseTyping(payload);
      if (typing.ok === true) this.events.typing(target.room, typing.value.from, typing.value.typing, typing.value.name);
      else if (typing.ok === false) this.#bad(topic, typing.error);
      return;
    }
    const chat = parseChat(payload, target.room, Date.now());
    if (chat.ok === true) {
      if (chat.warning) this.#bad(topic, chat.warning);
      return this.events.message(chat.value);
    }
    if (chat.ok === false) this.#bad(topic, chat.error);
  }

  #bad(topic: string, error: ProtocolError): void {
    this.events.error(new ProtocolError(error.code, `${error.message} (topic "${topic}")`));
  }
}
