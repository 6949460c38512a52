/**
 * `TRUST_PROXY`: which peers may tell the server the client's address (`X-Forwarded-For`),
 * Fastify's `trustProxy`. The login limits count per address, so behind a reverse proxy without
 * this every client is the proxy; with it set too widely, any client can claim any address.
 *
 * - unset, `0`, `false`: trust no one; the address is the socket's peer (the default);
 * - a comma list of addresses, CIDRs (`10.0.0.0/8`) or `loopback`, `linklocal`, `uniquelocal`:
 *   those peers are trusted proxies, and the client is the last address not among them. The
 *   safe choice: a client that reaches the server directly is never trusted;
 * - a whole number `n`: trust `n` hops, whoever they are (`1` behind one proxy: the address
 *   that proxy saw, whatever the client wrote in its own `X-Forwarded-For`). Fastify 5 dropped
 *   hop counts because a client that can reach the server directly can then name any address,
 *   so only when the server is reachable through the proxy alone (bound to loopback or a
 *   private network);
 * - `true`: trust every hop; the client is the first entry of `X-Forwarded-For`, which a client
 *   writes itself unless the proxy overwrites the header.
 */
import ipaddr from 'ipaddr.js';

/** What Fastify's `trustProxy` takes, as this server uses it. */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === '0' || text.toLowerCase() === 'false') return false;
  if (text.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    // proxy-addr asks hop 0 (the socket's peer) first, then each address of the header.
    return (_address, hop) => hop < hops;
  }
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const valid = NAMED.has(entry) || ipaddr.isValid(entry) || isCidr(entry);
    if (!valid) {
      throw new Error(
        `TRUST_PROXY: ${JSON.stringify(entry)} is not an address, a CIDR, loopback, linklocal or uniquelocal`,
      );
    }
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
