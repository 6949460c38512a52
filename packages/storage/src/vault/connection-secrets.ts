/**
 * A connection string can carry a password: `postgres://user:pw@host/db` (also `mysql://`,
 * `mongodb+srv://`, `redis://:pw@host`, `jdbc:postgresql://`), `?password=pw` in a URL's query,
 * libpq's `host=h password=pw` (quoted: `password='a \' b'`), or .NET's `Host=h;Password=pw`.
 *
 * The sanitized string, the one PGlite stores, is the original with the password's characters
 * replaced by `PASSWORD_MASK`, and the vault keeps the password exactly as written (still
 * percent-encoded, still quoted and escaped). Nothing is decoded or re-encoded, so putting it
 * back at the mask gives the original byte for byte. We chose a mask over recording an offset
 * so the stored string stays readable (the studio can show it as is) and needs no side data,
 * and so a string whose vault entry is gone reads as recognisably masked rather than wrong.
 *
 * A password written the way drivers expect (percent-encoded in a URL, quoted or escaped in the
 * key/value forms) is taken exactly. One typed with a raw `@`, `/`, `?` or `#`, which drivers
 * read differently, is read for secrecy: more than the password in the vault is harmless, part
 * of it left in PGlite is not. One password per string: a URL with both `user:pw@` and
 * `?password=` keeps the second.
 */
export const PASSWORD_MASK = '********';

interface Span {
  start: number;
  end: number;
}

/** `scheme://`, also JDBC's `jdbc:postgresql://`, after optional leading whitespace. */
const URL_START = /^\s*[a-z][a-z0-9+.-]*:(?:[a-z][a-z0-9+.-]*:)*\/\//i;
const QUERY_PASSWORD = /[?&]password=([^&#]*)/gi;

function firstOf(text: string, chars: string): number {
  for (let i = 0; i < text.length; i++) if (chars.includes(text.charAt(i))) return i;
  return text.length;
}

/** What may follow the `@`: hosts and ports (`h1:5432,h2`, `[::1]`), or nothing (a socket). */
const HOST = String.raw`(?:[a-z0-9._~%-]+|\[[a-z0-9:.%]+\])(?::[0-9]*)?`;
const HOSTS = new RegExp(`^(?:${HOST}(?:,${HOST})*)?$`, 'i');

/**
 * `user:password@hosts` at `offset`. Drivers disagree once a password holds a raw `@`, `/`, `?`
 * or `#` (the WHATWG URL parser node-postgres uses ends the authority at the first `/`, `?` or
 * `#`; libpq at the first `/`), so we read for secrecy: the password ends at the last `@` before
 * the query that has hosts after it, failing that at the last such `@` anywhere. A raw password
 * is then taken whole unless it has an `@` followed later by a `?` or `#`. Reading too far (a
 * database named `a@b`, or an `@` in the query of `postgres://host:5432/db?x=a@b`) only puts
 * more than the password in the vault; the string still comes back whole.
 */
function userinfoPassword(cs: string, offset: number): Span | null {
  const rest = cs.slice(offset);
  const colon = rest.indexOf(':');
  if (colon < 0 || /[/?#]/.test(rest.slice(0, colon))) return null;
  for (const end of [firstOf(rest, '?#'), rest.length]) {
    for (let at = rest.lastIndexOf('@', end - 1); at > colon; at = rest.lastIndexOf('@', at - 1)) {
      const after = rest.slice(at + 1);
      const hosts = after.slice(0, firstOf(after, '/?#'));
      // No host is libpq's way to a local socket (`u:p@/db`); with another `@` further on, the
      // one here is more likely part of a password typed unencoded.
      const socket = hosts === '' && !after.startsWith('#') && !after.includes('@');
      if (!socket && (hosts === '' || !HOSTS.test(hosts))) continue;
      if (colon + 1 === at) continue; // `user:@host`: an empty password, nothing to hide
      return { start: offset + colon + 1, end: offset + at };
    }
  }
  return null;
}

function queryPassword(cs: string): Span | null {
  for (const match of cs.matchAll(QUERY_PASSWORD)) {
    const value = match[1] ?? '';
    if (value !== '') {
      const end = match.index + match[0].length;
      return { start: end - value.length, end };
    }
  }
  return null;
}

const isSpace = (c: string) => /\s/.test(c);

/**
 * libpq's `key = value` grammar: values end at whitespace unless single-quoted, and a backslash
 * escapes the next character in both. An unterminated quote runs to the end (libpq rejects the
 * string, but the password must still not reach PGlite).
 */
function keyValuePassword(cs: string): Span | null {
  const n = cs.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(cs.charAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && cs.charAt(i) !== '=' && !isSpace(cs.charAt(i))) i++;
    const key = cs.slice(keyStart, i);
    while (i < n && isSpace(cs.charAt(i))) i++;
    if (cs.charAt(i) !== '=') return null;
    i++;
    while (i < n && isSpace(cs.charAt(i))) i++;
    const valueStart = i;
    if (cs.charAt(i) === "'") {
      i++;
      while (i < n && cs.charAt(i) !== "'") i += cs.charAt(i) === '\\' ? 2 : 1;
      i = Math.min(i + 1, n);
    } else {
      while (i < n && !isSpace(cs.charAt(i))) i += cs.charAt(i) === '\\' ? 2 : 1;
      i = Math.min(i, n);
    }
    const value = cs.slice(valueStart, i);
    if (key.toLowerCase() === 'password' && value !== '' && value !== "''") {
      return { start: valueStart, end: i };
    }
  }
  return null;
}

/**
 * The `key=value;` form of ADO.NET, Npgsql and MySqlConnector (`Host=db;Password=pw;`), with
 * `password` or `pwd` as the key; a value may be quoted (`"a;b"`, a doubled quote inside
 * escaping it) or, in ODBC style, braced (`{a;b}`).
 */
function semicolonPassword(cs: string): Span | null {
  const n = cs.length;
  let i = 0;
  while (i < n) {
    const eq = cs.indexOf('=', i);
    if (eq < 0) return null;
    const key = cs.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < n && isSpace(cs.charAt(i))) i++;
    const valueStart = i;
    const open = cs.charAt(i);
    const close = open === '{' ? '}' : open;
    if (open === '"' || open === "'" || open === '{') {
      i++;
      while (i < n && !(cs.charAt(i) === close && cs.charAt(i + 1) !== close)) {
        i += cs.charAt(i) === close ? 2 : 1;
      }
      i = Math.min(i + 1, n);
    }
    while (i < n && cs.charAt(i) !== ';') i++;
    const valueEnd = valueStart + cs.slice(valueStart, i).trimEnd().length;
    if ((key === 'password' || key === 'pwd') && valueEnd > valueStart) {
      return { start: valueStart, end: valueEnd };
    }
    i++;
  }
  return null;
}

function findPassword(cs: string): Span | null {
  const scheme = URL_START.exec(cs);
  if (scheme) return userinfoPassword(cs, scheme[0].length) ?? queryPassword(cs);
  const keyValue = keyValuePassword(cs) ?? (cs.includes(';') ? semicolonPassword(cs) : null);
  if (keyValue) return keyValue;
  // `user:pw@host/db` typed without a scheme: not a form drivers take, but still a password.
  const leading = cs.length - cs.trimStart().length;
  const span = userinfoPassword(cs, leading);
  return span && !cs.slice(0, span.end).includes('=') ? span : null;
}

/**
 * Takes the password out of a connection string. Strings without one come back unchanged with
 * `password: null`; `joinConnectionString(sanitized, password)` gives back the original.
 */
export function splitConnectionString(cs: string): { sanitized: string; password: string | null } {
  const span = findPassword(cs);
  if (!span) return { sanitized: cs, password: null };
  return {
    sanitized: cs.slice(0, span.start) + PASSWORD_MASK + cs.slice(span.end),
    password: cs.slice(span.start, span.end),
  };
}

/**
 * Puts a password taken by `splitConnectionString` back in place of the mask. Without a password
 * (`null`), or without a mask where the password goes, the string is returned as it is.
 */
export function joinConnectionString(sanitized: string, password: string | null): string {
  if (password === null) return sanitized;
  const span = findPassword(sanitized);
  if (!span || sanitized.slice(span.start, span.end) !== PASSWORD_MASK) return sanitized;
  return sanitized.slice(0, span.start) + password + sanitized.slice(span.end);
}

/**
 * Where a connection holds secrets besides the connection string's password: the studio's
 * `password`, `ssl.clientKey`, `sshTunnel.password`/`privateKey`/`passphrase` and
 * `agentPassword`, each named as the vault keeps it. A string there, `''` included, is a
 * secret; any other value (absent, `null`) is not, and stays with the connection.
 */
const SECRET_PLACES = [
  { name: 'password', path: ['password'] },
  { name: 'sslClientKey', path: ['ssl', 'clientKey'] },
  { name: 'sshPassword', path: ['sshTunnel', 'password'] },
  { name: 'sshPrivateKey', path: ['sshTunnel', 'privateKey'] },
  { name: 'sshPassphrase', path: ['sshTunnel', 'passphrase'] },
  { name: 'agentPassword', path: ['agentPassword'] },
] as const;

export type SecretName = (typeof SECRET_PLACES)[number]['name'] | 'connectionStringPassword';
export type TakenSecrets = Partial<Record<SecretName, string>>;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of `connection` without its secrets (the connection string's password replaced by
 * `PASSWORD_MASK`), and the secrets. Nested objects are copied, never changed in place.
 */
export function takeConnectionSecrets(connection: Json): { record: Json; secrets: TakenSecrets } {
  const record: Json = { ...connection };
  const secrets: TakenSecrets = {};
  for (const { name, path } of SECRET_PLACES) {
    if (path.length === 1) {
      const value = record[path[0]];
      if (typeof value === 'string') {
        secrets[name] = value;
        delete record[path[0]];
      }
      continue;
    }
    const [outer, inner] = path;
    const holder = record[outer];
    if (isObject(holder) && typeof holder[inner] === 'string') {
      secrets[name] = holder[inner] as string;
      const { [inner]: _secret, ...rest } = holder;
      record[outer] = rest;
    }
  }
  if (typeof record.connectionString === 'string') {
    const split = splitConnectionString(record.connectionString);
    if (split.password !== null) {
      secrets.connectionStringPassword = split.password;
      record.connectionString = split.sanitized;
    }
  }
  return { record, secrets };
}

/** Puts secrets taken by `takeConnectionSecrets` back where they were. */
export function restoreConnectionSecrets(record: Json, secrets: TakenSecrets): Json {
  const restored: Json = { ...record };
  for (const { name, path } of SECRET_PLACES) {
    const value = secrets[name];
    if (value === undefined || value === null) continue;
    if (path.length === 1) {
      restored[path[0]] = value;
      continue;
    }
    const [outer, inner] = path;
    const holder = restored[outer];
    // The object that held the secret is gone or replaced since: nowhere to put it back.
    if (!isObject(holder)) continue;
    restored[outer] = { ...holder, [inner]: value };
  }
  if (typeof restored.connectionString === 'string') {
    restored.connectionString = joinConnectionString(
      restored.connectionString,
      secrets.connectionStringPassword ?? null,
    );
  }
  return restored;
}
