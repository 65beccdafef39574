import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions, type AuthenticateError } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface MqttBrokerOptions {
  /** If set, every client must send it as its MQTT password. Default: anyone may connect. */
  token?: string;
  /**
   * Where sessions and queued messages live. Pass the same instance to a new broker to keep
   * them across a restart. Default: a fresh in-memory store.
   */
  persistence?: AedesOptions['persistence'];
  /**
   * If set, clients may subscribe only to topics under `<subscribePrefix>/`; any other
   * subscription is refused with return code 0x80 in the SUBACK (MQTT 3.1.1 §3.9.3).
   * Default: any topic.
   */
  subscribePrefix?: string;
}

export interface MqttBroker {
  /** Takes over an HTTP upgrade request: MQTT over WebSocket (subprotocol `mqtt`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Takes over a plain MQTT byte stream, such as a TCP socket. */
  handleStream(stream: Duplex): void;
  /** MQTT clients connected right now. */
  clients(): number;
  close(): Promise<void>;
}

/** An embedded MQTT 3.1.1 broker (aedes) that speaks over WebSocket, for the demo and tests. */
export async function startMqttBroker(options: MqttBrokerOptions = {}): Promise<MqttBroker> {
  const { token, subscribePrefix } = options;
  const broker = await Aedes.createBroker({
    persistence: options.persistence,
    authenticate: (_client, _username, password, done) => {
      if (token === undefined || password?.toString('utf8') === token) return done(null, true);
      // CONNACK return code 4, "bad user name or password" (MQTT 3.1.1 §3.2.2.3).
      const error = Object.assign(new Error('Bad user name or password'), { returnCode: 4 }) as AuthenticateError;
      done(error, false);
    },
    // A null subscription is aedes's way to refuse one (0x80) while the others go on.
    authorizeSubscribe: (_client, sub, done) =>
      done(null, subscribePrefix === undefined || sub.topic.startsWith(`${subscribePrefix}/`) ? sub : null),
  });
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    // A client that vanishes mid-frame makes the stream error; aedes cleans up on close.
    stream.on('error', () => ws.terminate());
    broker.handle(stream, req);
  });
  return {
    handleUpgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
    handleStream: (stream) => void broker.handle(stream),
    clients: () => broker.connectedClients,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      await new Promise<void>((done) => broker.close(() => done()));
    },
  };
}
