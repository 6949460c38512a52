import {
  PASSWORD_MASK,
  type SecretName,
  splitConnectionString,
} from '../vault/connection-secrets.ts';

/**
 * Where a connection holds a secret, as the vault names them (`connection-secrets.ts`): typed
 * here so a secret the vault learns to take fails the typecheck until an export knows it too.
 * The connection string's password is the other one, masked in place rather than removed.
 */
const SECRET_PATHS: Record<Exclude<SecretName, 'connectionStringPassword'>, readonly string[]> = {
  password: ['password'],
  sslClientKey: ['ssl', 'clientKey'],
  sshPassword: ['sshTunnel', 'password'],
  sshPrivateKey: ['sshTunnel', 'privateKey'],
  sshPassphrase: ['sshTunnel', 'passphrase'],
  agentPassword: ['agentPassword'],
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * For a file, any value at a secret's place other than absent or `null` is a secret, a number
 * too: the vault takes strings, so nothing else is ever stored there, and a file has no
 * business carrying what the vault would keep.
 */
const holdsSecret = (holder: Json, key: string) =>
  Object.hasOwn(holder, key) && holder[key] !== null && holder[key] !== undefined;

export interface SecretIssue {
  path: (string | number)[];
  message: string;
}

/** Every secret a connection (the file's row, or its `extra`) carries, each by its path. */
export function secretIssues(record: unknown, at: (string | number)[]): SecretIssue[] {
  if (!isObject(record)) return [];
  const issues: SecretIssue[] = [];
  for (const path of Object.values(SECRET_PATHS)) {
    const [outer, inner] = path as [string, string | undefined];
    const holder = inner === undefined ? record : record[outer];
    const key = inner ?? outer;
    if (isObject(holder) && holdsSecret(holder, key)) {
      issues.push({
        path: [...at, ...path],
        message:
          key === 'password' && inner === undefined
            ? 'must be absent: an export carries no passwords'
            : 'must be absent: an export carries no secrets (they stay in the vault)',
      });
    }
  }
  const cs = record.connectionString;
  if (typeof cs === 'string') {
    const { password } = splitConnectionString(cs);
    if (password !== null && password !== PASSWORD_MASK) {
      issues.push({
        path: [...at, 'connectionString'],
        message: `holds a password: an export carries none (write ${PASSWORD_MASK} in its place)`,
      });
    }
  }
  return issues;
}

/**
 * A copy of a stored connection's fields with nothing at a secret's place and any connection
 * string's password masked. Stored rows hold none (the repository and the legacy import take
 * them out before writing), so this changes nothing there; it is what makes "an export carries
 * no secret" true of a row written some other way too. Nested objects are copied, never changed.
 */
export function withoutSecrets<T extends Json | null>(record: T): T {
  if (record === null) return record;
  const out: Json = { ...record };
  for (const path of Object.values(SECRET_PATHS)) {
    const [outer, inner] = path as [string, string | undefined];
    if (inner === undefined) {
      if (holdsSecret(out, outer)) delete out[outer];
      continue;
    }
    const holder = out[outer];
    if (isObject(holder) && holdsSecret(holder, inner)) {
      const { [inner]: _secret, ...rest } = holder;
      out[outer] = rest;
    }
  }
  if (typeof out.connectionString === 'string') {
    out.connectionString = maskConnectionString(out.connectionString);
  }
  return out as T;
}

/** The connection string with any password replaced by the mask (a masked one is unchanged). */
export function maskConnectionString(cs: string): string {
  return splitConnectionString(cs).sanitized;
}
