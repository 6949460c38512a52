/**
 * What a request asks the server to dial, read from its connection settings without touching
 * anything on the server. pg itself would read `sslkey=`/`sslcert=`/`sslrootcert=` files named
 * in a connection string, take `?host=/path` as a Unix socket, and fall back to the server's
 * own `PG*` environment and `~/.pgpass` for whatever the request leaves out: a request could
 * probe the server's files and sockets or be handed the server's passwords. So connection
 * strings are parsed here (`pg-connection-string`, the parser pg uses, once their parameters
 * are known to be safe), only a known list of parameters is accepted, each other one refused by
 * name, and the result is an explicit target that pg is given field by field.
 */
import type { ConnectionOptions } from 'node:tls';
import { parse } from 'pg-connection-string';
import { HttpError } from '../http-errors.ts';
import type { ConnectionSettings } from './connection.ts';

export interface ConnectionTarget {
  /** A DNS name or an IP literal (IPv6 without brackets), as the request named it. */
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  /** false: no TLS; else TLS options (the certificate is checked unless they say otherwise). */
  tls: false | ConnectionOptions;
  applicationName?: string;
}

export const DEFAULT_PORT = 5432;

/**
 * Parameters a connection string may carry. TLS modes, names and harmless libpq options that pg
 * ignores (so pasted provider URLs keep working); nothing that names a file (`sslcert`,
 * `sslkey`, `sslrootcert`, `sslcrl`, `passfile`), a service (`service`, `servicefile`), another
 * host (`host`, `hostaddr`, `port`: the URL says where) or changes the session (`options`,
 * `replication`, `client_encoding`).
 */
export const ALLOWED_PARAMETERS: ReadonlySet<string> = new Set([
  'user',
  'password',
  'sslmode',
  'ssl',
  'sslnegotiation',
  'uselibpqcompat',
  'channel_binding',
  'application_name',
  'fallback_application_name',
  'connect_timeout',
  'target_session_attrs',
  'gssencmode',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
]);

const FILE_PARAMETERS = new Set([
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'passfile',
  'service',
  'servicefile',
]);

/** Throws HttpError (403 for what the policy refuses, 422 for what cannot be read). */
export function connectionTarget(settings: ConnectionSettings): ConnectionTarget {
  if ('connectionString' in settings) return fromConnectionString(settings.connectionString);
  return {
    host: checkedHost(settings.host),
    port: settings.port ?? DEFAULT_PORT,
    ...(settings.database ? { database: settings.database } : {}),
    ...(settings.user ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    tls: settings.ssl ? {} : false,
  };
}

function fromConnectionString(connectionString: string): ConnectionTarget {
  if (!/^postgres(ql)?:\/\//i.test(connectionString)) {
    throw unreadable(
      'A connection string must be a postgres:// or postgresql:// URL (key=value strings are not supported).',
    );
  }
  const url = readUrl(connectionString);
  for (const name of new Set(url.searchParams.keys())) {
    if (ALLOWED_PARAMETERS.has(name)) continue;
    if (name === 'host' && /^[/@]/.test(url.searchParams.get(name) ?? '')) throw socketRefused();
    const why = FILE_PARAMETERS.has(name.toLowerCase())
      ? 'it names a file or service on the server'
      : name === 'host' || name === 'hostaddr' || name === 'port'
        ? 'name the host and port in the URL itself'
        : 'it is not one this server passes on';
    throw new HttpError(
      403,
      'forbidden',
      `The connection parameter ${JSON.stringify(name)} is not allowed: ${why}. ` +
        `Allowed: ${[...ALLOWED_PARAMETERS].join(', ')}.`,
      'connection-parameter',
    );
  }
  if (!url.hostname || /^%2f/i.test(url.hostname)) {
    throw socketRefused();
  }
  let config: ReturnType<typeof parse>;
  try {
    // Safe only now: with no file parameter left, parse reads nothing from disk.
    config = parse(connectionString);
  } catch (error) {
    throw unreadable(`The connection string could not be read: ${messageOf(error)}`);
  }
  const port = config.port ? Number(config.port) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw unreadable('The connection string names no valid port.');
  }
  return {
    host: checkedHost(config.host ?? ''),
    port,
    ...(config.database ? { database: config.database } : {}),
    ...(config.user ? { user: config.user } : {}),
    ...(config.password ? { password: config.password } : {}),
    tls: tlsOf(config.ssl),
    ...(config.application_name ? { applicationName: config.application_name } : {}),
  };
}

/** The URL as pg-connection-string reads it (it encodes stray spaces and `%` the same way). */
function readUrl(connectionString: string): URL {
  let text = connectionString;
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(text)) {
    text = encodeURI(text).replace(/%25(\d\d)/g, '%$1');
  }
  try {
    return new URL(text);
  } catch {
    // `postgres://user@/db`: libpq's spelling of "the local socket".
    if (/@\//.test(text)) throw socketRefused();
    throw unreadable('The connection string is not a valid URL.');
  }
}

/** A host is a name or an address: a path (or libpq's `@abstract` socket) is a Unix socket. */
function checkedHost(raw: string): string {
  const host = raw.replace(/^\[(.*)\]$/, '$1');
  if (!host || host.includes('/') || host.includes('\\') || host.startsWith('@')) {
    throw socketRefused();
  }
  if (host.includes(',')) {
    throw unreadable('Name one host: lists of hosts are not supported.');
  }
  return host;
}

function tlsOf(ssl: unknown): false | ConnectionOptions {
  if (ssl === undefined || ssl === null || ssl === false || ssl === '0' || ssl === 'false') {
    return false;
  }
  if (ssl === true || ssl === '1' || ssl === 'true') return {};
  if (ssl === 'no-verify') return { rejectUnauthorized: false };
  if (typeof ssl === 'object') return { ...(ssl as ConnectionOptions) };
  throw unreadable(`ssl=${JSON.stringify(ssl)} is not a TLS setting (use sslmode).`);
}

function socketRefused(): HttpError {
  return new HttpError(
    403,
    'forbidden',
    'Unix-domain sockets are not allowed: name a host (and port) to connect to over TCP.',
    'unix-socket',
  );
}

function unreadable(message: string): HttpError {
  return new HttpError(422, 'request', message, 'connection-string');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
