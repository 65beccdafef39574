import { loadTransport } from '../../worker/transports/load.ts';
import { checkDns } from './dns.ts';
import { LayerFailure, type LayerName, type LayerOutcome, type LayerResult } from './layer.ts';
import { PROFILES, ProtocolSession } from './session.ts';
import { installBrowserGlobals } from './tap.ts';
import type { Target } from './target.ts';
import { checkTcp } from './tcp.ts';
import { checkTls } from './tls.ts';
import { checkUpgrade } from './upgrade.ts';

export interface DoctorReport {
  url: string;
  protocol: Target['protocol'];
  ok: boolean;
  /** The layer that failed, if one did. */
  failed?: LayerName;
  /** Whole run, in ms. */
  ms: number;
  layers: LayerResult[];
}

/**
 * Checks each layer in order and stops at the first that fails. `onLayer` hears each result
 * as it is known, so the text output can print line by line.
 */
export async function runDoctor(target: Target, onLayer: (r: LayerResult) => void = () => undefined): Promise<DoctorReport> {
  const started = performance.now();
  const layers: LayerResult[] = [];
  const report = (r: LayerResult) => (layers.push(r), onLayer(r));
  const skip = (layer: LayerName, detail: string) => report({ layer, status: 'skip', ms: 0, detail });

  /** Runs one layer; false if it failed (already reported). */
  const step = async (layer: LayerName, work: () => Promise<LayerOutcome>): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const out = await work();
      report({ layer, status: 'ok', ms: out.ms ?? Math.round(performance.now() - t0), detail: out.detail, ...(out.facts && { facts: out.facts }) });
      return true;
    } catch (e) {
      const failure = e instanceof LayerFailure ? e : new LayerFailure(`unexpected error: ${e instanceof Error ? e.message : String(e)}`, 'this is a bug in parley doctor: please report it with this output');
      report({
        layer,
        status: 'fail',
        ms: Math.round(performance.now() - t0),
        detail: failure.message,
        fix: failure.fix,
        ...(failure.facts && { facts: failure.facts }),
      });
      return false;
    }
  };

  const finish = (): DoctorReport => {
    const failed = layers.find((l) => l.status === 'fail')?.layer;
    return { url: target.url.href, protocol: target.protocol, ok: !failed, ...(failed && { failed }), ms: Math.round(performance.now() - started), layers };
  };

  let address = target.host;
  const dns = async () => {
    const { address: found, ...out } = await checkDns(target);
    address = found;
    return out;
  };
  if (!(await step('dns', dns))) return finish();
  if (!(await step('tcp', () => checkTcp(target, address)))) return finish();
  if (target.secure) {
    if (!(await step('tls', () => checkTls(target, address)))) return finish();
  } else skip('tls', `not used (${target.url.protocol}//)`);
  const profile = PROFILES[target.protocol];
  if (!(await step('upgrade', () => checkUpgrade(target, profile)))) return finish();

  installBrowserGlobals();
  let session: ProtocolSession | undefined;
  try {
    // Loading the transport is part of the handshake: if it cannot load here, say so there.
    const handshake = async () => {
      session = new ProtocolSession(await loadTransport(target.protocol), target);
      return session.handshake();
    };
    if (!(await step('handshake', handshake)) || !session) return finish();
    const open = session;
    if (!(await step('round-trip', () => open.roundTrip()))) return finish();
    if (target.room) await step('message', () => open.message(target.room!));
    else skip('message', 'no --room given');
  } finally {
    await session?.close();
  }
  return finish();
}
