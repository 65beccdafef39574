/**
 * One layer of `parley doctor` and what it found. Layers run in this order; the first that
 * fails ends the run (docs/doctor.md).
 */
export const LAYERS = ['dns', 'tcp', 'tls', 'upgrade', 'handshake', 'round-trip', 'message'] as const;
export type LayerName = (typeof LAYERS)[number];

/** How each layer is named on a line of text output. */
export const LAYER_TITLES: Record<LayerName, string> = {
  dns: 'DNS',
  tcp: 'TCP connect',
  tls: 'TLS',
  upgrade: 'WebSocket upgrade',
  handshake: 'handshake',
  'round-trip': 'round trip',
  message: 'message',
};

export type LayerStatus = 'ok' | 'fail' | 'skip';

export interface LayerResult {
  layer: LayerName;
  status: LayerStatus;
  /** Time the layer took, in ms; 0 for a skipped layer. */
  ms: number;
  /** What was found (ok, skip) or the plain-language cause (fail). */
  detail: string;
  /** Only on failure: the likely fix. */
  fix?: string;
  /** Facts for monitoring, such as the HTTP status or the CONNACK code; never a password. */
  facts?: Record<string, string | number | boolean | string[]>;
}

/** Thrown by a layer that failed: `message` is the cause, in plain language. */
export class LayerFailure extends Error {
  override name = 'LayerFailure';
  constructor(
    message: string,
    readonly fix: string,
    readonly facts?: LayerResult['facts'],
  ) {
    super(message);
  }
}

/** What a passing layer returns. */
export interface LayerOutcome {
  detail: string;
  facts?: LayerResult['facts'];
  /** Overrides the measured time, in ms, where the layer knows better (e.g. from frame times). */
  ms?: number;
}

/**
 * Races `work` against `timeout` ms. A layer that hears nothing fails with a timeout that
 * names the layer, which is what a server that accepts TCP and then stays silent looks like.
 */
export async function withTimeout<T>(work: Promise<T>, timeout: number, onTimeout: () => LayerFailure): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(onTimeout()), timeout);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
