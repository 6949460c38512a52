/**
 * Where the query endpoints may connect. The host is resolved once, every address it resolves
 * to is checked, and the connection is made to a checked address (the name is kept for TLS), so
 * a DNS answer that changes between the check and the connect (rebinding) cannot switch targets.
 *
 * - The platform database (sync mode's `DATABASE_URL`) is never a target, whatever the
 *   allow-list says: same port and any of its addresses, or, when it runs on this host, any
 *   address of this host (loopback, 0.0.0.0, every interface).
 * - With `QUERY_TARGETS` (CIDRs, addresses, host names, `*.suffix`) only what it lists.
 * - Without it, a server that needs sessions (sync mode or off loopback) refuses link-local and
 *   cloud-metadata addresses, and, when it listens off loopback, the addresses of its own host;
 *   everything else stays reachable, as a studio for the team's databases must. A browser-only
 *   server on loopback dials anything, as before: its only user is the machine's.
 *
 * Unix sockets and file parameters are refused earlier, in `connection-target.ts`.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { HttpError } from '../http-errors.ts';
import { type ConnectionTarget, DEFAULT_PORT } from './connection-target.ts';
import { connectionFailure, QueryFailedError, Secrets } from './errors.ts';

export interface TargetPolicyOptions {
  /** `QUERY_TARGETS`' entries; empty or absent: the defaults above. */
  targets?: readonly string[];
  /** Sync mode's platform database. */
  platformDatabaseUrl?: string;
  /** Sessions are required: sync mode, or a server listening off loopback. */
  shared: boolean;
  /** The server listens on a loopback address. */
  listensOnLoopback: boolean;
}

export interface ResolvedTarget extends ConnectionTarget {
  /** Checked addresses to dial, in the resolver's order. */
  addresses: string[];
}

export interface TargetPolicy {
  /**
   * Throws HttpError 403 (reason `platform-database` or `target-not-allowed`), or
   * QueryFailedError (kind `connection`) when the host does not resolve.
   */
  resolve(target: ConnectionTarget): Promise<ResolvedTarget>;
}

const METADATA = blockList([
  '169.254.0.0/16',
  'fe80::/10',
  // AWS' IPv6 instance metadata and Alibaba Cloud's metadata service, outside link-local.
  'fd00:ec2::254/128',
  '100.100.100.200/32',
]);

const LOOPBACK = blockList(['127.0.0.0/8', '::1/128', '0.0.0.0/8', '::/128']);

/** Throws when an entry of `targets` is neither a CIDR, an address nor a host name. */
export function targetPolicy(options: TargetPolicyOptions): TargetPolicy {
  const allowList = options.targets?.length ? parseTargets(options.targets) : null;
  const platform = options.platformDatabaseUrl
    ? platformEndpoint(options.platformDatabaseUrl)
    : null;

  return {
    async resolve(target) {
      const resolved = await resolveHost(target.host);
      const addresses = resolved.map(normalizeAddress);
      if (platform) {
        const verdict = await platformVerdict(platform, addresses, target.port);
        if (verdict !== 'other') {
          throw new HttpError(
            403,
            'forbidden',
            verdict === 'platform'
              ? "That is this server's own platform database: the studio does not connect to it."
              : "The platform database's host does not resolve right now, so nothing on its port is dialled.",
            'platform-database',
          );
        }
      }
      if (allowList) {
        const listed =
          allowList.names(target.host) ||
          addresses.every((address) => allowList.addresses.check(address, family(address)));
        if (!listed) {
          throw notAllowed(
            'This server only connects to the hosts and networks listed in its QUERY_TARGETS, and that host is not one of them.',
          );
        }
      } else if (options.shared) {
        if (addresses.some((address) => METADATA.check(address, family(address)))) {
          throw notAllowed(
            'This server does not connect to link-local or cloud-metadata addresses (set QUERY_TARGETS to choose).',
          );
        }
        if (!options.listensOnLoopback && addresses.some(isLocalAddress)) {
          throw notAllowed(
            "This server does not connect to its own host's addresses (set QUERY_TARGETS to choose).",
          );
        }
      }
      return { ...target, addresses: resolved };
    },
  };
}

interface AllowList {
  addresses: BlockList;
  names(host: string): boolean;
}

function parseTargets(entries: readonly string[]): AllowList {
  const addresses = new BlockList();
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!entry) continue;
    const cidr = parseCidr(entry);
    if (cidr) {
      addresses.addSubnet(cidr.network, cidr.prefix, cidr.family);
    } else if (
      /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(entry)
    ) {
      if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
      else exact.add(entry);
    } else {
      throw new Error(
        `QUERY_TARGETS: ${JSON.stringify(raw)} is not a CIDR (10.0.0.0/8), an address or a host name`,
      );
    }
  }
  return {
    addresses,
    names(host) {
      const name = host.toLowerCase().replace(/\.$/, '');
      return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}

function parseCidr(
  entry: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [network = '', prefixText, extra] = entry.split('/');
  const version = isIP(network);
  if (!version || extra !== undefined) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) return null;
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function blockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.network, parsed.prefix, parsed.family);
  }
  return list;
}

/** Every address of the host, as the resolver wrote them (an IPv6 zone included). */
async function resolveHost(host: string): Promise<string[]> {
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    if (found.length === 0) {
      throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    }
    return found.map((entry) => entry.address);
  } catch (error) {
    throw new QueryFailedError(connectionFailure(error, new Secrets([])));
  }
}

interface PlatformEndpoint {
  host: string;
  port: number;
}

function platformEndpoint(databaseUrl: string): PlatformEndpoint {
  try {
    const url = new URL(databaseUrl);
    const host = url.searchParams.get('host') || url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.searchParams.get('port') || url.port || DEFAULT_PORT);
    return { host, port };
  } catch {
    // Not a URL pg would read as TCP: treat it as a server on this host.
    return { host: '', port: DEFAULT_PORT };
  }
}

/** `unknown`: the platform database's name does not resolve now, so it could be anything. */
async function platformVerdict(
  platform: PlatformEndpoint,
  addresses: string[],
  port: number,
): Promise<'platform' | 'other' | 'unknown'> {
  if (port !== platform.port) return 'other';
  // A Unix socket or no host: the platform database runs on this host.
  if (!platform.host || platform.host.startsWith('/')) {
    return addresses.some(isLocalAddress) ? 'platform' : 'other';
  }
  let platformAddresses: string[];
  try {
    platformAddresses = (await lookup(platform.host, { all: true, verbatim: true })).map((entry) =>
      normalizeAddress(entry.address),
    );
  } catch {
    return 'unknown';
  }
  // On this host, it listens on all of the host's addresses as far as we can know.
  if (platformAddresses.some(isLocalAddress) && addresses.some(isLocalAddress)) return 'platform';
  return addresses.some((address) => platformAddresses.includes(address)) ? 'platform' : 'other';
}

/** Loopback, "this host" (0.0.0.0, ::) or an address of one of this host's interfaces. */
function isLocalAddress(address: string): boolean {
  if (LOOPBACK.check(address, family(address))) return true;
  return Object.values(networkInterfaces()).some((entries) =>
    (entries ?? []).some((entry) => normalizeAddress(entry.address) === address),
  );
}

function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase().replace(/%.*$/, '');
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

function notAllowed(message: string): HttpError {
  return new HttpError(403, 'forbidden', message, 'target-not-allowed');
}
