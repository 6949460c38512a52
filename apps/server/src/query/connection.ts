import { isIP } from 'node:net';
import pg from 'pg';
import { z } from 'zod';
import { connectionTarget } from './connection-target.ts';
import { connectionFailure, QueryFailedError, type QueryFailure, Secrets } from './errors.ts';
import { createTypeParsers } from './json-values.ts';
import type { ResolvedTarget, TargetPolicy } from './target-policy.ts';

export const connectionSchema = z.union([
  z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).optional(),
    database: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    ssl: z.boolean().optional(),
  }),
  z.strictObject({ connectionString: z.string().min(1) }),
]);

export type ConnectionSettings = z.infer<typeof connectionSchema>;

const CONNECT_TIMEOUT_MS = 10_000;

/** How this server dials: the target policy, and whether failures are told apart. */
export interface Dialer {
  readonly policy: TargetPolicy;
  /**
   * Connection failures the target's PostgreSQL did not report (refused, timed out, unknown
   * host, not PostgreSQL) all get one answer, so the endpoints cannot map ports and hosts.
   */
  readonly uniformErrors: boolean;
}

export interface OpenOptions {
  /** Sent as a startup parameter, so it holds from the first statement. */
  statementTimeoutMs?: number;
}

export interface OpenConnection {
  readonly client: pg.Client;
  readonly secrets: Secrets;
  close(): Promise<void>;
}

const UNREACHABLE: QueryFailure = {
  kind: 'connection',
  message:
    'Could not connect: no PostgreSQL server answered at that address (unreachable, refused, or not PostgreSQL).',
  code: null,
};

/**
 * A new client per request: the server keeps no pool and no credentials between requests.
 * Throws HttpError when the target policy refuses the settings, QueryFailedError (kind
 * `connection`) when the database cannot be reached or refuses the login.
 */
export async function openConnection(
  settings: ConnectionSettings,
  dialer: Dialer,
  options: OpenOptions = {},
): Promise<OpenConnection> {
  const secrets = secretsOf(settings);
  const fail = (error: unknown): QueryFailedError => {
    const failure =
      error instanceof QueryFailedError ? error.failure : connectionFailure(error, secrets);
    return new QueryFailedError(
      dialer.uniformErrors && !answeredByPostgres(error) ? UNREACHABLE : failure,
    );
  };
  const target = connectionTarget(settings);
  let resolved: ResolvedTarget;
  try {
    resolved = await dialer.policy.resolve(target);
  } catch (error) {
    throw error instanceof QueryFailedError ? fail(error) : error;
  }
  let lastError: unknown = new Error('no address to connect to');
  // Like libpq, each address in turn while nothing answers; a server's answer is final.
  for (const address of resolved.addresses) {
    const client = newClient(resolved, address, options);
    try {
      await client.connect();
      return { client, secrets, close: () => client.end().catch(() => {}) };
    } catch (error) {
      await client.end().catch(() => {});
      lastError = error;
      if (answeredByPostgres(error)) break;
    }
  }
  throw fail(lastError);
}

function newClient(target: ResolvedTarget, address: string, options: OpenOptions): pg.Client {
  const client = new pg.Client({
    host: address,
    port: target.port,
    // Explicit, so pg never falls back to the server's PG* environment for what is missing.
    ...(target.database || target.user ? { database: target.database ?? target.user } : {}),
    ...(target.user ? { user: target.user } : {}),
    // A function, so pg never looks in PGPASSWORD or ~/.pgpass for a password the page did
    // not send: those are the server's, not the page's.
    password: () => target.password ?? '',
    ssl:
      target.tls === false
        ? false
        : // Dialled by address: the certificate is still checked against the name asked for.
          { ...target.tls, ...(isIP(target.host) ? {} : { servername: target.host }) },
    types: createTypeParsers(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs,
    application_name: target.applicationName ?? 'platform-studio',
  });
  // A socket error after the request ended would otherwise be an unhandled 'error' event and
  // take the process down.
  client.on('error', () => {});
  return client;
}

/** Errors that only a PostgreSQL server (or a TLS peer after its "yes, TLS") can cause. */
function answeredByPostgres(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return true;
  if (error instanceof QueryFailedError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) return true;
  return error instanceof Error && error.message === 'The server does not support SSL connections';
}

function secretsOf(settings: ConnectionSettings): Secrets {
  if (!('connectionString' in settings)) return new Secrets([settings.password]);
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(settings.connectionString).password) || undefined;
  } catch {
    // Not a URL (e.g. `host=… password=…`): the whole string is scrubbed anyway.
  }
  return new Secrets([settings.connectionString, password]);
}
