import pg from 'pg';
import { z } from 'zod';
import { connectionFailure, QueryFailedError, Secrets } from './errors.ts';
import { createTypeParsers } from './json-values.ts';

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

export interface OpenOptions {
  /** Sent as a startup parameter, so it holds from the first statement. */
  statementTimeoutMs?: number;
}

export interface OpenConnection {
  readonly client: pg.Client;
  readonly secrets: Secrets;
  close(): Promise<void>;
}

/**
 * A new client per request: the server keeps no pool and no credentials between requests.
 * Throws QueryFailedError (kind `connection`) when the database cannot be reached or refuses
 * the login.
 */
export async function openConnection(
  settings: ConnectionSettings,
  options: OpenOptions = {},
): Promise<OpenConnection> {
  const secrets = secretsOf(settings);
  const client = new pg.Client({
    ...('connectionString' in settings
      ? { connectionString: settings.connectionString }
      : {
          host: settings.host,
          port: settings.port,
          database: settings.database,
          user: settings.user,
          password: settings.password,
          ssl: settings.ssl,
        }),
    types: createTypeParsers(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'platform-studio',
  });
  // A socket error after the request ended would otherwise be an unhandled 'error' event and
  // take the process down.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new QueryFailedError(connectionFailure(error, secrets));
  }
  return { client, secrets, close: () => client.end().catch(() => {}) };
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
