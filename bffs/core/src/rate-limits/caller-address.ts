import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { firstHeaderValue } from '@bff/platform';

/**
 * The address a request came from: the socket's, unless the socket is one of the trusted
 * proxies (a load balancer, an ingress), in which case the nearest address in
 * `X-Forwarded-For` that is not itself a trusted proxy, read from the right. Only what the
 * trusted proxies appended is believed; anything a caller writes there itself is further
 * left and never reached.
 */
export function callerAddress(req: IncomingMessage, trusted: BlockList | undefined): string {
  const socket = normalise(req.socket?.remoteAddress ?? 'unknown');
  if (!trusted || !isTrusted(trusted, socket)) return socket;
  const forwarded = (firstHeaderValue(req.headers['x-forwarded-for']) ?? '').split(',').map((part) => normalise(part.trim())).filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i]!;
    if (!isIP(hop)) return socket;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return forwarded[0] ?? socket;
}

/** The trusted proxies of a policy (addresses or CIDR ranges), for callerAddress. */
export function trustedProxies(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, family);
    else list.addSubnet(address!, Number(bits), family);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** An IPv4 address as Node writes it on a dual-stack socket (`::ffff:10.0.0.1`) is that IPv4 address. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
