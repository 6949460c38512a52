import { connections, type DatabaseType } from '@platform/schema/browser';
import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { ConflictError, translateDatabaseError } from '../errors.ts';
import { assertCan } from '../permissions.ts';
import {
  type ConnectionInput,
  type ConnectionRecordInput,
  connectionInput,
  idInput,
  parse,
} from '../validation.ts';
import { joinConnectionString, splitConnectionString } from '../vault/connection-secrets.ts';
import { VaultError } from '../vault/vault.ts';
import type { RepositoryContext } from './context.ts';
import { removeRows } from './soft-delete.ts';

/** Where connection secrets live instead of PGlite (the vault). */
export interface ConnectionSecretStore {
  setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: { password?: string | null; connectionStringPassword?: string | null },
  ): Promise<void>;
  getConnectionSecrets(
    userId: string,
    connectionId: string,
  ): Promise<{ password: string | null; connectionStringPassword: string | null }>;
  deleteConnectionSecrets(userId: string, connectionId: string): Promise<void>;
}

/** A connection as the studio uses it: secrets restored from the vault. */
export interface ConnectionRecord {
  id: string;
  name: string;
  type: DatabaseType;
  host: string | null;
  port: number | null;
  user: string | null;
  password: string | null;
  database: string | null;
  connectionString: string | null;
  createdAt: Date;
  isDemo: boolean;
}

const columns = {
  id: connections.id,
  name: connections.name,
  type: connections.type,
  host: connections.host,
  port: connections.port,
  user: connections.dbUser,
  database: connections.database,
  connectionString: connections.connectionString,
  createdAt: connections.createdAt,
  isDemo: connections.isDemo,
};

type Row = Omit<ConnectionRecord, 'password'>;

/** The stored columns of a validated connection, its connection string already stripped. */
export function connectionFields(
  c: ConnectionRecordInput,
  sanitizedConnectionString: string | null,
) {
  return {
    name: c.name,
    type: c.type,
    host: c.host,
    port: c.port,
    dbUser: c.user,
    database: c.database,
    connectionString: sanitizedConnectionString,
    isDemo: c.isDemo ?? false,
  };
}

/**
 * The current user's connections. PGlite holds metadata only; a typed password and any password
 * inside the connection string go to the vault, written first so a failed save leaves neither
 * half-written.
 */
export class ConnectionsRepository {
  constructor(
    private readonly ctx: RepositoryContext,
    private readonly secrets: ConnectionSecretStore,
  ) {}

  private mine(): SQL {
    return and(eq(connections.userId, this.ctx.actor().id), isNull(connections.deletedAt)) as SQL;
  }

  private async withSecrets(row: Row): Promise<ConnectionRecord> {
    const secret = await this.secrets.getConnectionSecrets(this.ctx.actor().id, row.id);
    return {
      ...row,
      password: secret.password,
      connectionString:
        row.connectionString === null
          ? null
          : joinConnectionString(row.connectionString, secret.connectionStringPassword),
    };
  }

  /** Oldest first, the order the legacy list kept. */
  async list(): Promise<ConnectionRecord[]> {
    const rows = await this.ctx.db
      .select(columns)
      .from(connections)
      .where(this.mine())
      .orderBy(asc(connections.createdAt), asc(connections.id));
    return Promise.all((rows as Row[]).map((row) => this.withSecrets(row)));
  }

  async get(id: string): Promise<ConnectionRecord | null> {
    const rows = await this.ctx.db
      .select(columns)
      .from(connections)
      .where(and(this.mine(), eq(connections.id, parse(idInput, id, 'id'))));
    const row = rows[0] as Row | undefined;
    return row ? this.withSecrets(row) : null;
  }

  /** Inserts, or replaces the user's connection with the same id. */
  async save(input: ConnectionInput): Promise<ConnectionRecord> {
    const actor = this.ctx.actor();
    assertCan(actor, 'connections.write');
    const c = parse(connectionInput, input, 'connection');
    const split = c.connectionString === null ? null : splitConnectionString(c.connectionString);
    // Secrets the vault can no longer open (its key was lost) count as none: saving the
    // connection again with its password is how the user repairs it.
    const previous = await this.secrets
      .getConnectionSecrets(actor.id, c.id)
      .catch((error: unknown) => {
        if (error instanceof VaultError && error.reason === 'VAULT_KEY_LOST') {
          return { password: null, connectionStringPassword: null };
        }
        throw error;
      });
    await this.secrets.setConnectionSecrets(actor.id, c.id, {
      password: c.password,
      connectionStringPassword: split?.password ?? null,
    });
    const fields = connectionFields(c, split?.sanitized ?? null);
    try {
      const rows = await this.ctx.db
        .insert(connections)
        .values({ id: c.id, userId: actor.id, createdAt: c.createdAt ?? new Date(), ...fields })
        .onConflictDoUpdate({
          target: connections.id,
          set: {
            ...fields,
            createdAt: c.createdAt ?? sql`${connections.createdAt}`,
            updatedAt: sql`now()`,
            deletedAt: null,
          },
          setWhere: eq(connections.userId, actor.id),
        })
        .returning(columns);
      const row = rows[0] as Row | undefined;
      if (!row) throw new ConflictError(`The connection id "${c.id}" belongs to another profile.`);
      this.ctx.changed('connections');
      return { ...row, password: c.password, connectionString: c.connectionString };
    } catch (error) {
      // Put the vault back as it was, so the failed save changed nothing.
      await this.secrets.setConnectionSecrets(actor.id, c.id, previous);
      throw translateDatabaseError(error, `connection ${c.id}`);
    }
  }

  /** Removes by id, with its secrets; unknown ids are not an error. True when it existed. */
  async delete(id: string): Promise<boolean> {
    const actor = this.ctx.actor();
    assertCan(actor, 'connections.write');
    const removed = await removeRows(
      this.ctx,
      connections,
      and(this.mine(), eq(connections.id, parse(idInput, id, 'id'))),
    );
    if (removed > 0) {
      await this.secrets.deleteConnectionSecrets(actor.id, id);
      this.ctx.changed('connections');
    }
    return removed > 0;
  }
}
