import type { ConnectionConfig } from '../../../worker/api.ts';
import type { CloseInfo } from '../../../worker/transports/transport.ts';
import type { LayerFailure, LayerOutcome } from '../layer.ts';
import type { SocketTap } from '../tap.ts';
import type { Target } from '../target.ts';
import type { UpgradeExpectation } from '../upgrade.ts';

/** What the doctor knows about one protocol, beside the engine's transport for it. */
export interface ProtocolProfile extends UpgradeExpectation {
  /** The configuration the engine would get from `<parley-chat>` for this target. */
  config(target: Target): ConnectionConfig;
  /** What the handshake was, read from the frames of a link that opened. */
  handshake(tap: SocketTap | undefined, target: Target): LayerOutcome;
  /** Cause and fix for a link that closed before it opened. */
  refused(info: CloseInfo, tap: SocketTap | undefined, target: Target): LayerFailure;
  /** Cause and fix for a link that neither opened nor closed in time. */
  stalled(tap: SocketTap | undefined, target: Target): LayerFailure;
  /** Whether the frames from index `from` on hold the answer to the transport's ping(). */
  pong(tap: SocketTap, from: number): boolean;
  /** What the ping exchange is called. */
  pingWords: string;
  /**
   * Ends an open link politely before the transport drops it, where the transport's own
   * close() leaves something behind on purpose (an XMPP session kept for resumption).
   */
  farewell?(tap: SocketTap): void;
  /** Undoes what the doctor left on the server, if anything (an MQTT persistent session). */
  cleanup?(target: Target, deviceIds: string[]): Promise<void>;
}

/** The user name the doctor presents where the protocol needs one and none was given. */
export const DOCTOR_USER = 'parley-doctor';
