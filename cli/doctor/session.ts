import type { Protocol } from '../../worker/api.ts';
import type { TransportModule } from '../../worker/transports/transport.ts';
import { LayerFailure, withTimeout, type LayerOutcome } from './layer.ts';
import { Link, LinkClosed, type LinkEvent } from './link.ts';
import { mqttProfile } from './protocols/mqtt.ts';
import type { ProtocolProfile } from './protocols/profile.ts';
import { relay } from './protocols/relay.ts';
import { xmppProfile } from './protocols/xmpp.ts';
import type { Target } from './target.ts';

export const PROFILES: Record<Protocol, ProtocolProfile> = { websocket: relay, mqtt: mqttProfile, xmpp: xmppProfile };

/**
 * Device ids of the doctor's links. They name the link to the server (MQTT client id, XMPP
 * resource `parley-` + the first 8 characters), so each link has its own, and the same on
 * every run: the doctor never piles up sessions under new names.
 */
const SENDER = 'doctor-s-parley';
const LISTENER = 'doctor-l-parley';

/**
 * Layers 5 to 7, through the engine's own transport for the protocol
 * (worker/transports/load.ts): the handshake, a round trip, and a message that a second link
 * sees arrive in the room.
 */
export class ProtocolSession {
  readonly profile: ProtocolProfile;
  readonly #links: Link[] = [];
  #sender?: Link;

  constructor(
    readonly module: TransportModule,
    readonly target: Target,
  ) {
    this.profile = PROFILES[target.protocol];
  }

  async handshake(): Promise<LayerOutcome> {
    const link = await this.#open(SENDER);
    this.#sender = link;
    const tap = link.tap;
    const out = this.profile.handshake(tap, this.target);
    // From the WebSocket being open to the transport reporting `open`: the protocol's own share.
    return tap?.openedAt !== undefined && link.openAt !== undefined ? { ...out, ms: Math.round(link.openAt - tap.openedAt) } : out;
  }

  async roundTrip(): Promise<LayerOutcome> {
    const link = this.#sender!;
    const tap = link.tap!;
    const from = tap.frames.length;
    const started = performance.now();
    link.transport.ping();
    const pong = await this.#guard(
      link,
      tap.next(() => this.profile.pong(tap, from), from),
      () =>
        new LayerFailure(
          `round-trip timeout: no answer to ${this.profile.pingWords} within ${this.target.timeout} ms`,
          "the server logged us in but does not answer pings: check the server's load and log; a proxy may buffer frames",
        ),
    );
    const ms = Math.round(pong.at - started);
    return { detail: `${this.profile.pingWords} in ${ms} ms`, ms, facts: { rttMs: ms } };
  }

  /** Joins `room` on a second link, then sends from the first and waits to see it arrive there. */
  async message(room: string): Promise<LayerOutcome> {
    const sender = this.#sender!;
    const listener = await this.#open(LISTENER, 'message');
    await this.#join(listener, room);
    await this.#join(sender, room);
    const id = `parley-doctor-${Date.now().toString(36)}`;
    const text = `parley doctor check ${new Date().toISOString()}`;
    const started = performance.now();
    sender.transport.send({ id, room, from: this.#config().user, text, ts: Date.now() });
    const refused = sender.until((e): e is Extract<LinkEvent, { type: 'reject' }> => e.type === 'reject' && e.id === id).then((e) => {
      throw new LayerFailure(`the server refused the message: ${e.error.message}`, 'check that this user may write to the room', { code: e.error.code });
    });
    const seen = listener.until((e) => e.type === 'message' && e.message.id === id);
    await this.#guard(
      listener,
      Promise.race([seen, refused]),
      () =>
        new LayerFailure(
          `message timeout: a message sent to "${room}" did not come back within ${this.target.timeout} ms`,
          'the server accepted the room but did not deliver to it: check its routing (MQTT topic access rules, MUC room settings)',
        ),
    );
    const ms = Math.round(performance.now() - started);
    const acked = sender.events.some((e) => e.type === 'ack' && e.id === id);
    return { detail: `sent to "${room}" and seen coming back on a second link${acked ? ', acknowledged by the server' : ''}`, ms, facts: { room, acked } };
  }

  /** Closes every link and undoes what the doctor left on the server. */
  async close(): Promise<void> {
    for (const link of this.#links) {
      if (link.openAt !== undefined && link.tap && !link.closed) this.profile.farewell?.(link.tap);
      link.close();
    }
    const opened = this.#links.filter((l) => l.openAt !== undefined);
    if (this.profile.cleanup && opened.length > 0)
      await this.profile.cleanup(this.target, opened.map((l) => (l === this.#sender ? SENDER : LISTENER))).catch(() => undefined);
  }

  #config() {
    return this.profile.config(this.target);
  }

  async #open(deviceId: string, layer: 'handshake' | 'message' = 'handshake'): Promise<Link> {
    const link = new Link(this.module, this.#config(), deviceId);
    this.#links.push(link);
    link.open();
    try {
      await withTimeout(link.until((e) => e.type === 'open'), this.target.timeout, () => this.profile.stalled(link.tap, this.target));
    } catch (e) {
      if (!(e instanceof LinkClosed)) throw e;
      const failure = this.profile.refused(e.info, link.tap, this.target);
      if (layer === 'message') failure.message = `a second link for the room could not log in: ${failure.message}`;
      throw failure;
    }
    return link;
  }

  async #join(link: Link, room: string): Promise<void> {
    const problem = link
      .until((e): e is Extract<LinkEvent, { type: 'error' }> => e.type === 'error' && ['subscribe-refused', 'muc-join'].includes(e.error.code))
      .then((e) => {
        throw new LayerFailure(`could not join "${room}": ${e.error.message}`, 'check the room name and that this user may join it', { code: e.error.code });
      });
    link.transport.join(room);
    await this.#guard(
      link,
      Promise.race([link.until((e) => e.type === 'joined' && e.room === room), problem]),
      () =>
        new LayerFailure(
          `join timeout: the server did not confirm the room "${room}" within ${this.target.timeout} ms`,
          'check the room name (XMPP: room@conference.example.com?join, or a JID) and that this user may join it',
        ),
    );
  }

  /** Waits for `work`, turning a closed link into a plain cause and silence into `onTimeout`. */
  async #guard<T>(link: Link, work: Promise<T>, onTimeout: () => LayerFailure): Promise<T> {
    try {
      return await withTimeout(work, this.target.timeout, onTimeout);
    } catch (e) {
      if (e instanceof LinkClosed)
        throw new LayerFailure(`the server closed the link: ${e.info.reason}`, "check the server's log", { code: e.info.code });
      throw e;
    }
  }
}
