import { connections } from '@platform/schema/browser';
import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { ConflictError, translateDatabaseError, ValidationError } from '../errors.ts';
import type { DatabaseConnection } from '../legacy/types.ts';
import { LIMITS } from '../limits.ts';
import { assertCan } from '../permissions.ts';
import { CONNECTION_FIELDS } from '../records/fields.ts';
import { asStoredJson, type JsonObject, joinRecord, splitRecord } from '../records/open-record.ts';
import { assertJsonSize, connectionInput, idInput, parse } from '../validation.ts';
import {
  restoreConnectionSecrets,
  type TakenSecrets,
  takeConnectionSecrets,
} from '../vault/connection-secrets.ts';
import type { ConnectionSecrets, ConnectionSecretsInput } from '../vault/vault.ts';
import { VaultError } from '../vault/vault.ts';
import type { RepositoryContext } from './context.ts';
import { endOfList, keptPosition } from './list-position.ts';
import { removeRows } from './soft-delete.ts';

/** Where connection secrets live instead of PGlite (the vault). */
export interface ConnectionSecretStore {
  setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: ConnectionSecretsInput,
  ): Promise<void>;
  getConnectionSecrets(userId: string, connectionId: string): Promise<ConnectionSecrets>;
  deleteConnectionSecrets(userId: string, connectionId: string): Promise<void>;
}

/** A connection as the studio holds it: every field it was given, secrets restored. */
export type ConnectionRecord = DatabaseConnection;

const columns = {
  id: connections.id,
  name: connections.name,
  type: connections.type,
  host: connections.host,
  port: connections.port,
  dbUser: connections.dbUser,
  database: connections.database,
  connectionString: connections.connectionString,
  createdAt: connections.createdAt,
  extra: connections.extra,
};

type Row = { [K in keyof typeof columns]: (typeof connections.$inferSelect)[K] };

/** What the vault stores for a connection, from what `takeConnectionSecrets` took. */
function vaultSecrets(taken: TakenSecrets): ConnectionSecretsInput {
  return { password: null, connectionStringPassword: null, ...taken };
}

function takenFrom(stored: ConnectionSecrets): TakenSecrets {
  const taken: TakenSecrets = {};
  for (const [name, value] of Object.entries(stored)) {
    if (typeof value === 'string') taken[name as keyof TakenSecrets] = value;
  }
  return taken;
}

/**
 * The studio's object as this table stores it: columns for the fields it shows, `extra` for
 * the rest (secrets already taken out), and whether it is the demo.
 */
export function connectionRow(record: JsonObject) {
  const { columns: fields, extra } = splitRecord(CONNECTION_FIELDS, record);
  assertJsonSize(extra, LIMITS.extraBytes, 'connection');
  return {
    name: fields.name as string,
    type: fields.type as string,
    host: (fields.host as string | undefined) ?? null,
    port: (fields.port as number | undefined) ?? null,
    dbUser: (fields.dbUser as string | undefined) ?? null,
    database: (fields.database as string | undefined) ?? null,
    connectionString: (fields.connectionString as string | undefined) ?? null,
    createdAt: (fields.createdAt as Date | undefined) ?? null,
    isDemo: record.isDemo === true,
    extra,
  };
}

/** A stored row back as the studio's object, without its secrets. */
export function connectionRecord(row: Row): JsonObject {
  return joinRecord(CONNECTION_FIELDS, row, row.extra);
}

/**
 * The current user's connections, in the order they were added (the studio's callers pick
 * `connections[0]`). PGlite holds no secret: a typed password, a password inside the
 * connection string, an SSL client key, SSH tunnel credentials and the agent's password go to
 * the vault, written first so a failed save leaves neither half-written.
 */
export class ConnectionsRepository {
  constructor(
    private readonly ctx: RepositoryContext,
    private readonly secrets: ConnectionSecretStore,
    /** A seeded connection's `seedId` goes to the dismissed seeds when it is deleted. */
    private readonly dismissSeed: (seedId: unknown) => Promise<void> = async () => {},
  ) {}

  private mine(): SQL {
    return and(eq(connections.userId, this.ctx.actor().id), isNull(connections.deletedAt)) as SQL;
  }

  private async withSecrets(row: Row): Promise<ConnectionRecord> {
    const stored = await this.secrets.getConnectionSecrets(this.ctx.actor().id, row.id);
    return restoreConnectionSecrets(connectionRecord(row), takenFrom(stored)) as ConnectionRecord;
  }

  /** In insertion order; replacing a connection keeps its place. */
  async list(): Promise<ConnectionRecord[]> {
    const rows = await this.ctx.db
      .select(columns)
      .from(connections)
      .where(this.mine())
      .orderBy(asc(connections.position), asc(connections.id));
    return Promise.all(rows.map((row) => this.withSecrets(row)));
  }

  async get(id: string): Promise<ConnectionRecord | null> {
    const rows = await this.ctx.db
      .select(columns)
      .from(connections)
      .where(and(this.mine(), eq(connections.id, parse(idInput, id, 'id'))));
    const row = rows[0];
    return row ? this.withSecrets(row) : null;
  }

  /**
   * The studio's `saveConnection`: the connection with this id is replaced in place (its
   * position kept), else it is added at the end. Every field is kept as given (as JSON keeps
   * it: `NaN` becomes null), secrets in the vault.
   */
  async save(input: DatabaseConnection): Promise<ConnectionRecord> {
    const actor = this.ctx.actor();
    assertCan(actor, 'connections.write');
    const given = asStoredJson(input);
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new ValidationError('Invalid connection: must be an object', [
        { path: '', message: 'must be an object' },
      ]);
    }
    parse(connectionInput, given, 'connection');
    const connection = given as JsonObject;
    const id = connection.id as string;
    const { record, secrets } = takeConnectionSecrets(connection);
    const row = connectionRow(record);
    // Secrets the vault can no longer open (its key was lost) count as none: saving the
    // connection again with its password is how the user repairs it.
    const previous = await this.secrets
      .getConnectionSecrets(actor.id, id)
      .catch((error: unknown) => {
        if (error instanceof VaultError && error.reason === 'VAULT_KEY_LOST') {
          return { password: null, connectionStringPassword: null };
        }
        throw error;
      });
    await this.secrets.setConnectionSecrets(actor.id, id, vaultSecrets(secrets));
    try {
      const written = await this.ctx.db
        .insert(connections)
        .values({
          id,
          userId: actor.id,
          ...row,
          createdAt: row.createdAt ?? new Date(),
          position: endOfList(connections, actor.id),
        })
        .onConflictDoUpdate({
          target: connections.id,
          set: {
            ...row,
            createdAt: row.createdAt ?? sql`${connections.createdAt}`,
            // A deleted connection saved again is a new one: it goes to the end.
            position: keptPosition(connections, actor.id),
            updatedAt: sql`now()`,
            deletedAt: null,
          },
          setWhere: eq(connections.userId, actor.id),
        })
        .returning({ id: connections.id });
      if (written.length === 0) {
        throw new ConflictError(`The connection id "${id}" belongs to another profile.`);
      }
      this.ctx.changed('connections');
      return restoreConnectionSecrets(
        connectionRecord({ id, ...row, createdAt: row.createdAt ?? new Date() }),
        secrets,
      ) as ConnectionRecord;
    } catch (error) {
      // Put the vault back as it was, so the failed save changed nothing.
      await this.secrets.setConnectionSecrets(actor.id, id, previous);
      throw translateDatabaseError(error, `connection ${id}`);
    }
  }

  /**
   * Removes by id, with its secrets; unknown ids are not an error. A connection made from a
   * seed leaves its `seedId` among the dismissed seeds, so the seed is not added back.
   */
  async delete(id: string): Promise<boolean> {
    const actor = this.ctx.actor();
    assertCan(actor, 'connections.write');
    const where = and(this.mine(), eq(connections.id, parse(idInput, id, 'id')));
    const [target] = await this.ctx.db
      .select({ extra: connections.extra })
      .from(connections)
      .where(where);
    if (!target) return false;
    const seedId = (target.extra as JsonObject | null)?.seedId;
    if (seedId) await this.dismissSeed(seedId);
    const removed = await removeRows(this.ctx, connections, where);
    if (removed > 0) {
      await this.secrets.deleteConnectionSecrets(actor.id, id);
      this.ctx.changed('connections');
    }
    return removed > 0;
  }
}
