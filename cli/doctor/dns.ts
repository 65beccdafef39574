import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { LayerFailure, withTimeout, type LayerOutcome } from './layer.ts';
import type { Target } from './target.ts';

/**
 * Layer 1: name resolution, with `dns.lookup` (the system resolver and /etc/hosts, as `net`
 * and the browser use), not a raw DNS query. Resolves to the address the next layer dials.
 */
export async function checkDns(target: Target): Promise<LayerOutcome & { address: string }> {
  if (isIP(target.host)) return { detail: `${target.host} is an address: nothing to resolve`, address: target.host };
  const found = await withTimeout(
    lookup(target.host, { all: true }).catch((e: unknown) => {
      throw dnsFailure(target.host, e);
    }),
    target.timeout,
    () => new LayerFailure(`DNS timeout: no answer for ${target.host} within ${target.timeout} ms`, 'check the machine\'s DNS settings and network, or use an IP address'),
  );
  const addresses = found.map((a) => a.address);
  return { detail: `${target.host} → ${addresses.join(', ')}`, address: addresses[0]!, facts: { addresses } };
}

/** getaddrinfo's codes (as Node reports them) as a cause and a fix. */
export function dnsFailure(host: string, e: unknown): LayerFailure {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'ENODATA')
    return new LayerFailure(`name not found: no address for ${host}`, 'check the host name in the URL for typos, and that its DNS record exists', { code });
  if (code === 'EAI_AGAIN' || code === 'ETIMEOUT')
    return new LayerFailure(`DNS did not answer for ${host} (${code})`, 'check the network and the DNS server; try again, or use an IP address', { code });
  return new LayerFailure(`could not resolve ${host}: ${(e as Error).message ?? e}`, 'check the host name in the URL', { code });
}
