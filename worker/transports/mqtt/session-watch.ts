/**
 * What one MQTT connection remembers across its links about the broker's persistent session
 * (clean session off, MQTT 3.1.1 §3.1.2.4), made once per Connection (`transport.session()`).
 *
 * A session we expected can be gone: a broker restarted without persistence, or, on RabbitMQ,
 * the node that holds the session's queue is down. The broker then answers CONNACK with
 * `sessionPresent=0` (§3.2.2.2), and what it was given for us meanwhile is lost: the transport
 * reports `sessionLost` so that the visitor sees a gap rather than nothing.
 *
 * On RabbitMQ the old session also blocks the client id: while its node is down, a SUBSCRIBE
 * with that id is answered by closing the connection, on every try. So a link that closes
 * between such a CONNACK and its SUBACK moves the connection to a new client id (`generation`),
 * whose session lives on a node that is up (docs/mqtt.md, "Lost sessions").
 */
export class SessionWatch {
  /** Some link's SUBACK came: the broker keeps our subscriptions in a session from then on. */
  #expected = false;
  /** This link's CONNACK said `sessionPresent=0`, and no SUBACK has come on it yet. */
  #unconfirmed = false;
  /** Which client id to use: 0 the usual one, and one more each time the old one is stuck. */
  generation = 0;

  /** A CONNACK. True when the session we expected is gone. */
  connected(sessionPresent: boolean): boolean {
    this.#unconfirmed = !sessionPresent;
    return !sessionPresent && this.#expected;
  }

  /** A SUBACK that granted the room: the session exists now. */
  subscribed(): void {
    this.#expected = true;
    this.#unconfirmed = false;
  }

  /** The link ended. If it ended before a fresh session took a subscription, use a new client id. */
  closed(): void {
    if (this.#unconfirmed) this.generation += 1;
    this.#unconfirmed = false;
  }
}
