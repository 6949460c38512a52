/**
 * Connections as the studio builds them, for every engine and every way one reaches storage.
 *
 * Four code paths write a connection, and each leaves its own shape:
 * - the connection form, in three revisions (see `ConnectionFormRevision` in timeline.ts):
 *   src/components/ConnectionModal.tsx @ v0.5.6, src/hooks/use-connection-form.ts @ v0.7.0 and
 *   @ HEAD c144361f. Field order is kept as each builds its object literal, so serialised output
 *   matches byte for byte: in URI mode the form sets `host`/`port`/`user`/`password` to
 *   `undefined` (they vanish from JSON) and appends `connectionString` after the tunnel.
 * - the demo connection, src/app/api/demo-connection/route.ts + src/hooks/use-connection-manager.ts
 *   @ v0.7.0: served by the server with its own database password, re-saved on every page load.
 * - seed copies, src/lib/seed/connection-filter.ts, sqlite-sample.ts, libredb-sample.ts and
 *   src/hooks/use-connection-manager.ts @ HEAD: `managed: false` copies are saved with their
 *   credentials, `roles` and `seedId`; `managed: true` seeds are never saved.
 * - preserved fields (`agentUser`/`agentPassword`, `group`, `managed`, `seedId`), which no form
 *   edits: they arrive with a connection (server pull, an embedding host) and the HEAD form
 *   carries them first in the rebuilt object. Older forms dropped them on edit.
 */

import type { LegacyRng } from './random.ts';
import {
  certificatePem,
  mintSecret,
  mintSshPrivateKey,
  mintTlsClientKey,
  unrecordedSecret,
} from './secrets.ts';
import {
  type ConnectionFormRevision,
  connectionFormAt,
  connectionIdAt,
  STUDIO_DATES,
  TYPE_OFFERED_SINCE,
} from './timeline.ts';
import type {
  ConnectionEnvironment,
  SslMode,
  StudioConnection,
  StudioDatabaseType,
  StudioSshTunnel,
  StudioSslConfig,
} from './types.ts';

/** ENVIRONMENT_COLORS of src/lib/types.ts: the form stores the colour beside the environment. */
export const ENVIRONMENT_COLORS: Record<ConnectionEnvironment, string> = {
  production: '#ef4444',
  staging: '#eab308',
  development: '#22c55e',
  local: '#3b82f6',
  other: '#6b7280',
};

type AddressField = 'host' | 'port' | 'user' | 'password' | 'database';

interface EngineForm {
  /** The port the form fills in when the type is picked; '' leaves the previous one. */
  defaultPort: string;
  /** Offers the URI mode (MongoDB; Couchbase and ClickHouse since they exist). */
  uriMode: boolean;
  /** The fields the HEAD form writes (`connectionFields` of src/lib/db-ui-config.ts). */
  fields: readonly AddressField[];
}

const ALL: readonly AddressField[] = ['host', 'port', 'user', 'password', 'database'];
const FILE: readonly AddressField[] = ['database'];

const ENGINES: Record<StudioDatabaseType, EngineForm> = {
  postgres: { defaultPort: '5432', uriMode: false, fields: ALL },
  mysql: { defaultPort: '3306', uriMode: false, fields: ALL },
  sqlite: { defaultPort: '', uriMode: false, fields: FILE },
  mongodb: { defaultPort: '27017', uriMode: true, fields: ALL },
  redis: { defaultPort: '6379', uriMode: false, fields: ['host', 'port', 'password', 'database'] },
  oracle: { defaultPort: '1521', uriMode: false, fields: ALL },
  mssql: { defaultPort: '1433', uriMode: false, fields: ALL },
  libredb: { defaultPort: '', uriMode: false, fields: FILE },
  couchbase: { defaultPort: '8091', uriMode: true, fields: ALL },
  clickhouse: { defaultPort: '8123', uriMode: true, fields: ALL },
  druid: { defaultPort: '8888', uriMode: false, fields: ['host', 'port', 'user', 'password'] },
  elasticsearch: {
    defaultPort: '9200',
    uriMode: false,
    fields: ['host', 'port', 'user', 'password'],
  },
  opensearch: { defaultPort: '9200', uriMode: false, fields: ['host', 'port', 'user', 'password'] },
  trino: { defaultPort: '8080', uriMode: false, fields: ALL },
  cassandra: { defaultPort: '9042', uriMode: false, fields: ALL },
  // The demo type only ever had the v0.5.6/v0.7.0 forms, which write every field anyway.
  demo: { defaultPort: '', uriMode: false, fields: ALL },
};

/** The form's own defaults (`useState('localhost')`, `'5432'`, …), which leak into stored data. */
const FORM_DEFAULT_HOST = 'localhost';
const FORM_DEFAULT_PORT = '5432';

interface EngineSample {
  name: string;
  host: string;
  user: string;
  database: string;
}

const SAMPLES: Record<StudioDatabaseType, EngineSample> = {
  postgres: {
    name: 'Orders (Postgres)',
    host: 'pg.internal.example',
    user: 'app_rw',
    database: 'orders',
  },
  mysql: { name: 'Shop MySQL', host: '10.0.4.12', user: 'root', database: 'shop' },
  sqlite: { name: 'Local file', host: '', user: '', database: '/home/dev/data/app.db' },
  mongodb: {
    name: 'Events (Mongo)',
    host: 'mongo-1.internal.example',
    user: 'reporter',
    database: 'events',
  },
  redis: { name: 'Cache', host: 'redis.internal.example', user: '', database: '0' },
  oracle: { name: 'ERP Oracle', host: 'ora.corp.example', user: 'system', database: 'ERP' },
  mssql: {
    name: 'Billing SQL Server',
    host: 'sql01.corp.example',
    user: 'sa',
    database: 'billing',
  },
  libredb: { name: 'Notes (LibreDB)', host: '', user: '', database: './data/notes.libredb' },
  couchbase: {
    name: 'Couchbase travel',
    host: 'cb.internal.example',
    user: 'Administrator',
    database: 'travel-sample',
  },
  clickhouse: {
    name: 'Analytics CH',
    host: 'ch.internal.example',
    user: 'default',
    database: 'analytics',
  },
  druid: {
    name: 'Druid metrics',
    host: 'druid-router.internal.example',
    user: 'druid_system',
    database: '',
  },
  elasticsearch: {
    name: 'Logs (Elastic)',
    host: 'es.internal.example',
    user: 'elastic',
    database: '',
  },
  opensearch: {
    name: 'Search cluster',
    host: 'opensearch.internal.example',
    user: 'admin',
    database: '',
  },
  cassandra: {
    name: 'Telemetry ring',
    host: 'cass-1.internal.example',
    user: 'cassandra',
    database: 'telemetry',
  },
  trino: {
    name: 'Lakehouse (Trino)',
    host: 'trino.internal.example',
    user: 'analyst',
    database: 'hive',
  },
  demo: { name: '', host: FORM_DEFAULT_HOST, user: '', database: '' },
};

/** Everything the connection form holds in state when the user presses Connect. */
interface FormState {
  type: StudioDatabaseType;
  name: string;
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
  uriMode: boolean;
  connectionString: string;
  environment: ConnectionEnvironment;
  sslMode: SslMode;
  caCert: string;
  clientCert: string;
  clientKey: string;
  ssh: null | {
    host: string;
    port: string;
    username: string;
    authMethod: 'password' | 'privateKey';
    password: string;
    privateKey: string;
    passphrase: string;
  };
  serviceName: string;
  instanceName: string;
  localDataCenter: string;
}

/** Fields the HEAD form carries over untouched, in the order it spreads them (FIELD_OWNERSHIP). */
export type PreservedConnectionFields = Pick<
  StudioConnection,
  'group' | 'managed' | 'seedId' | 'agentUser' | 'agentPassword'
>;

function buildFromForm(
  form: FormState,
  revision: ConnectionFormRevision,
  id: string,
  createdAt: Date,
  preserved: PreservedConnectionFields,
): StudioConnection {
  const name = form.name || `${form.type}-connection`;
  // parseInt, not Number: '' and 'abc' give NaN, which JSON.stringify writes as null.
  const port = Number.parseInt(form.port, 10);

  if (revision === 'v0.5.6') {
    return {
      id,
      name,
      type: form.type,
      host: form.host,
      port,
      user: form.user,
      password: form.password,
      database: form.database,
      createdAt,
    };
  }

  const ssl: StudioSslConfig | undefined =
    form.sslMode === 'disable'
      ? undefined
      : {
          mode: form.sslMode,
          ...(form.caCert ? { caCert: form.caCert } : {}),
          ...(form.clientCert ? { clientCert: form.clientCert } : {}),
          ...(form.clientKey ? { clientKey: form.clientKey } : {}),
        };
  const ssh = form.ssh;
  const sshTunnel: StudioSshTunnel | undefined = ssh
    ? {
        enabled: true,
        host: ssh.host,
        port: Number.parseInt(ssh.port, 10) || 22,
        username: ssh.username,
        authMethod: ssh.authMethod,
        // The unused method's secret is dropped, but an empty one for the chosen method is kept.
        ...(ssh.authMethod === 'password' ? { password: ssh.password } : {}),
        ...(ssh.authMethod === 'privateKey' ? { privateKey: ssh.privateKey } : {}),
        ...(ssh.passphrase ? { passphrase: ssh.passphrase } : {}),
      }
    : undefined;
  const uri = ENGINES[form.type].uriMode && form.uriMode;
  const addressed = new Set<AddressField>(revision === 'head' ? ENGINES[form.type].fields : ALL);

  return {
    ...(revision === 'head' ? preserved : {}),
    id,
    name,
    type: form.type,
    ...(addressed.has('host') ? { host: form.host } : {}),
    ...(addressed.has('port') ? { port } : {}),
    ...(addressed.has('user') ? { user: form.user } : {}),
    ...(addressed.has('password') ? { password: form.password } : {}),
    ...(addressed.has('database') ? { database: form.database } : {}),
    createdAt,
    environment: form.environment,
    color: ENVIRONMENT_COLORS[form.environment],
    ...(ssl ? { ssl } : {}),
    ...(sshTunnel ? { sshTunnel } : {}),
    ...(uri
      ? {
          connectionString: form.connectionString,
          host: undefined,
          port: undefined,
          user: undefined,
          password: undefined,
        }
      : {}),
    ...(form.type === 'oracle' && form.serviceName ? { serviceName: form.serviceName } : {}),
    ...(form.type === 'mssql' && form.instanceName ? { instanceName: form.instanceName } : {}),
    ...(revision === 'head' && form.type === 'cassandra' && form.localDataCenter
      ? { localDataCenter: form.localDataCenter }
      : {}),
  };
}

export interface LegacyConnectionOptions {
  type: StudioDatabaseType;
  /** When the user pressed Connect. Default: a day after the type was first offered. */
  createdAt?: Date;
  /** Which code built it. Default: the form live at `createdAt`. */
  form?: ConnectionFormRevision;
  /** Default: the id scheme live at `createdAt`. */
  id?: string;
  /** What was typed. `''` is stored as `<type>-connection`; whitespace is stored as typed. */
  name?: string;
  environment?: ConnectionEnvironment;
  /** TLS. `true` means `verify-full` with a CA, a client certificate and a client key. */
  withSsl?: boolean | SslMode;
  /** Tunnel. `true` means password auth. A private key comes with a passphrase unless told not. */
  withSshTunnel?: boolean | 'password' | 'privateKey';
  sshPassphrase?: boolean;
  /** URI mode (MongoDB, Couchbase, ClickHouse): only `connectionString`, password inside it. */
  connectionStringOnly?: boolean;
  /** The port field emptied: `port: NaN`, stored as `null`. */
  emptyPort?: boolean;
  /** User, password and database left empty: stored as `""`. */
  emptyCredentials?: boolean;
  /**
   * The port field as the previously picked type left it. Picking a type with no default port
   * (SQLite, LibreDB, Demo) keeps it, so pre-2026-08-12 file connections store e.g. `port: 5432`.
   */
  previousPort?: string;
  /** `agentUser`/`agentPassword` carried by the connection (preserved by the HEAD form only). */
  agentProfile?: boolean;
  /** A `group` set outside the form (preserved by the HEAD form only). */
  group?: string;
}

function defaultCreatedAt(type: StudioDatabaseType): Date {
  return new Date(TYPE_OFFERED_SINCE[type].getTime() + 24 * 3600_000);
}

function uriFor(
  type: StudioDatabaseType,
  user: string,
  password: string,
  sample: EngineSample,
): string {
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  if (type === 'couchbase') return `couchbases://${credentials}@${sample.host}/${sample.database}`;
  if (type === 'clickhouse') return `https://${credentials}@${sample.host}:8443/${sample.database}`;
  return `mongodb+srv://${credentials}@cluster0.${sample.host}/${sample.database}?retryWrites=true&w=majority&appName=studio`;
}

/**
 * One connection as the form of its day builds it (before JSON.stringify: `createdAt` a Date,
 * an emptied port NaN, URI-mode address fields `undefined`). Every secret written is recorded in
 * `rng.secrets`.
 */
export function legacyConnection(
  rng: LegacyRng,
  options: LegacyConnectionOptions,
): StudioConnection {
  const { type } = options;
  const createdAt = options.createdAt ?? defaultCreatedAt(type);
  const revision = options.form ?? connectionFormAt(createdAt);
  if (
    revision === 'v0.5.6' &&
    (options.withSsl || options.withSshTunnel || options.connectionStringOnly)
  ) {
    throw new Error('the v0.5.6 form has no TLS, tunnel or URI mode');
  }
  if (revision !== 'head' && (options.agentProfile || options.group !== undefined)) {
    // Older forms rebuild the object from their inputs and drop these; asking for them would
    // mint a secret that is never stored.
    throw new Error('agentUser/agentPassword and group survive only the HEAD form');
  }
  const sample = SAMPLES[type];
  const engine = ENGINES[type];
  const empty = options.emptyCredentials === true;
  const uriMode = options.connectionStringOnly === true && engine.uriMode;

  const user = empty ? '' : sample.user;
  let password = '';
  let connectionString = '';
  if (uriMode) {
    // The password is typed into the URI, percent-encoded as a URI needs; the URI is the secret.
    const raw = unrecordedSecret(rng, 'connectionString');
    connectionString = rng.secrets.record(uriFor(type, user || 'app', raw, sample));
    rng.secrets.record(encodeURIComponent(raw));
  } else if (!empty && type !== 'demo' && engine.fields.includes('password')) {
    password = mintSecret(rng, 'password');
  }

  const sslOption = options.withSsl === true ? 'verify-full' : options.withSsl || 'disable';
  const fullTls = options.withSsl === true;
  const tunnel = options.withSshTunnel === true ? 'password' : options.withSshTunnel || null;

  const form: FormState = {
    type,
    name: options.name ?? sample.name,
    host: engine.fields.includes('host') ? sample.host : FORM_DEFAULT_HOST,
    port: options.emptyPort
      ? ''
      : engine.defaultPort || (options.previousPort ?? FORM_DEFAULT_PORT),
    user,
    password,
    database: empty ? '' : sample.database,
    uriMode,
    connectionString,
    environment: options.environment ?? 'local',
    sslMode: sslOption,
    caCert: fullTls ? certificatePem(rng, 'ca') : '',
    clientCert: fullTls ? certificatePem(rng, 'client') : '',
    clientKey: fullTls ? mintTlsClientKey(rng) : '',
    ssh: tunnel
      ? {
          host: 'bastion.example.net',
          port: rng.pick(['22', '2222', '']),
          username: 'tunnel',
          authMethod: tunnel,
          password: tunnel === 'password' ? mintSecret(rng, 'sshPassword') : '',
          privateKey: tunnel === 'privateKey' ? mintSshPrivateKey(rng) : '',
          passphrase:
            tunnel === 'privateKey' && options.sshPassphrase !== false
              ? mintSecret(rng, 'sshPassphrase')
              : '',
        }
      : null,
    serviceName: type === 'oracle' ? 'XEPDB1' : '',
    instanceName: type === 'mssql' ? 'SQLEXPRESS' : '',
    localDataCenter: type === 'cassandra' ? 'datacenter1' : '',
  };

  const preserved: PreservedConnectionFields = {
    ...(options.group !== undefined ? { group: options.group } : {}),
    ...(options.agentProfile
      ? { agentUser: 'studio_agent_ro', agentPassword: mintSecret(rng, 'agentPassword') }
      : {}),
  };
  const id = options.id ?? connectionIdAt(rng, createdAt);
  return buildFromForm(form, revision, id, createdAt, preserved);
}

export interface LegacyConnectionEdit {
  /** When the user pressed Save: decides which form rebuilt the connection. */
  at: Date;
  form?: ConnectionFormRevision;
  name?: string;
  environment?: ConnectionEnvironment;
}

/**
 * A stored connection opened in the edit form and saved again: the form is filled from it the
 * way its populate effect does (an empty or `null` port comes back as the type's default, a
 * missing host as `localhost`) and the whole object rebuilt, keeping `id` and `createdAt`. The
 * HEAD form puts the preserved fields first and drops anything else it does not own (a seed
 * copy's `roles`, a demo's `isDemo`); older forms drop those too, `seedId` and `managed`
 * included.
 */
export function editLegacyConnection(
  existing: StudioConnection,
  edit: LegacyConnectionEdit,
): StudioConnection {
  const revision = edit.form ?? connectionFormAt(edit.at);
  const engine = ENGINES[existing.type];
  const ssl = existing.ssl;
  const tunnel = existing.sshTunnel?.enabled ? existing.sshTunnel : undefined;
  const form: FormState = {
    type: existing.type,
    name: edit.name ?? existing.name,
    host: existing.host || FORM_DEFAULT_HOST,
    port:
      existing.port === undefined || existing.port === null || Number.isNaN(existing.port)
        ? engine.defaultPort
        : existing.port.toString(),
    user: existing.user || '',
    password: existing.password || '',
    database: existing.database || '',
    uriMode: Boolean(existing.connectionString),
    connectionString: existing.connectionString || '',
    environment: edit.environment ?? existing.environment ?? 'local',
    sslMode: ssl?.mode ?? 'disable',
    caCert: ssl?.caCert || '',
    clientCert: ssl?.clientCert || '',
    clientKey: ssl?.clientKey || '',
    ssh: tunnel
      ? {
          host: tunnel.host,
          port: tunnel.port.toString(),
          username: tunnel.username,
          authMethod: tunnel.authMethod,
          password: tunnel.password || '',
          privateKey: tunnel.privateKey || '',
          passphrase: tunnel.passphrase || '',
        }
      : null,
    serviceName: existing.serviceName || '',
    instanceName: existing.instanceName || '',
    localDataCenter: existing.localDataCenter || '',
  };
  const preserved: PreservedConnectionFields = {};
  for (const key of ['group', 'managed', 'seedId', 'agentUser', 'agentPassword'] as const) {
    const value = existing[key];
    if (value !== undefined) Object.assign(preserved, { [key]: value });
  }
  return buildFromForm(form, revision, existing.id, existing.createdAt, preserved);
}

export interface LegacyDemoConnectionOptions {
  /** `server`: DEMO_DB_* configured, a real PostgreSQL with its password. `mock`: they were not. */
  variant?: 'server' | 'mock';
  /** The page load that (re-)saved it: the server stamps `new Date()` on every request. */
  createdAt: Date;
  /** Kept from an existing demo entry when it is refreshed in place. */
  id?: string;
  /** DEMO_DB_PASSWORD. Pass the same value for every refresh of one server. */
  password?: string;
  /** DEMO_DB_NAME. */
  name?: string;
}

/** The demo connection (2025-12-25 to 2026-03-25) as `initializeConnections` saved it. */
export function legacyDemoConnection(
  rng: LegacyRng,
  options: LegacyDemoConnectionOptions,
): StudioConnection {
  if (options.variant === 'mock') {
    return {
      id: options.id ?? 'demo-mock',
      name: 'Demo Database (Mock)',
      type: 'demo',
      createdAt: options.createdAt,
      isDemo: true,
    };
  }
  return {
    id: options.id ?? 'demo-postgres-neon',
    name: options.name ?? 'Employee PostgreSQL (Demo)',
    type: 'postgres',
    host: 'ep-lingering-sky-a2b3c4d5.eu-central-1.aws.neon.tech',
    port: 5432,
    database: 'employees',
    user: 'demo_owner',
    password: options.password ?? mintSecret(rng, 'password'),
    createdAt: options.createdAt,
    isDemo: true,
  };
}

/** A seed file's MongoDB URI, password inside (percent-encoded); both recorded as secrets. */
export function seedMongoUri(rng: LegacyRng): string {
  const raw = unrecordedSecret(rng, 'connectionString');
  const encoded = rng.secrets.record(encodeURIComponent(raw));
  return rng.secrets.record(
    `mongodb://events_ro:${encoded}@mongo-seed.internal.example:27017/events?authSource=admin`,
  );
}

export type SeedKind = 'sqlite-sample' | 'libredb-sample' | 'config';

export interface LegacySeedConnectionOptions {
  seed: SeedKind;
  /** For `config` seeds: the seed file's `managed` (default false: an editable copy). */
  managed?: boolean;
  /** For `config` seeds: the server's `new Date()` when it served the list. */
  servedAt?: Date;
  /** For `config` seeds: the seed file's id (default `analytics-replica`). */
  seedId?: string;
  /** For editable `config` seeds: the password the seed file resolves to (one per server). */
  password?: string;
  /**
   * For `config` seeds: a MongoDB seed given only as a URI, the one way a stored connection ends
   * up with a `connectionString` and no other address field at all (the form always adds
   * `database`). Pass `connectionString` to keep one value across page loads.
   */
  uriOnly?: boolean;
  connectionString?: string;
}

/**
 * A seed connection as `GET /api/connections/managed` serves it and the client saves it
 * (`managed: false` copies only). The samples are stamped `new Date(0)` by the server. A
 * `managed: true` seed comes without `password`/`connectionString` and is never saved; build
 * one to point history or the active id at a connection absent from storage.
 */
export function legacySeedConnection(
  rng: LegacyRng,
  options: LegacySeedConnectionOptions,
): StudioConnection {
  if (options.seed === 'sqlite-sample' || options.seed === 'libredb-sample') {
    const sqlite = options.seed === 'sqlite-sample';
    const seedId = sqlite ? 'sqlite-embedded-sample' : 'libredb-embedded-sample';
    return {
      id: `seed:${seedId}`,
      seedId,
      name: sqlite ? 'Sample (Employees)' : 'Sample (LibreDB)',
      type: sqlite ? 'sqlite' : 'libredb',
      database: sqlite ? 'data/sample-employees.db' : 'data/sample.libredb',
      managed: false,
      roles: ['*'],
      createdAt: new Date(0),
    };
  }
  const managed = options.managed ?? false;
  if (options.uriOnly) {
    const seedId = options.seedId ?? 'events-mongo';
    const uri = options.connectionString ?? seedMongoUri(rng);
    return {
      id: `seed:${seedId}`,
      name: 'Events (seeded)',
      type: 'mongodb',
      // The managed route strips the URI of a managed seed, credentials and all.
      ...(managed ? {} : { connectionString: uri }),
      environment: 'production',
      createdAt: options.servedAt ?? STUDIO_DATES.seedConnections,
      managed,
      roles: ['admin', 'user'],
      seedId,
    };
  }
  const seedId = options.seedId ?? (managed ? 'prod-warehouse' : 'analytics-replica');
  return {
    id: `seed:${seedId}`,
    name: managed ? 'Warehouse (managed)' : 'Analytics replica',
    type: 'postgres',
    host: managed ? 'warehouse.db.internal.example' : 'replica.db.internal.example',
    port: 5432,
    database: managed ? 'warehouse' : 'analytics',
    user: managed ? 'studio_ro' : 'analyst',
    ...(managed ? {} : { password: options.password ?? mintSecret(rng, 'password') }),
    environment: managed ? 'production' : 'staging',
    group: 'Seeded',
    ...(managed ? {} : { ssl: { rejectUnauthorized: false } }),
    createdAt: options.servedAt ?? STUDIO_DATES.seedConnections,
    managed,
    roles: ['*'],
    seedId,
  };
}
