/**
 * Secret values for generated connections: unique, recognisable, and awkward on purpose.
 *
 * Each one is meant to be searched for ("is it anywhere in clear text?"), so it carries a
 * numbered marker (`SECRET-<n>-`) and the characters that break naive handling: URI delimiters
 * (`@ : / ? #`), `%`, both quotes, a backslash, a space, non-ASCII and an emoji. Private keys are
 * real-looking PEM blocks of several KB, since that is what users paste; their marker
 * (`SECRET<n>`) is made of base64 characters so it can sit inside the body.
 *
 * Which fields are secret follows src/lib/storage/connection-secrets.ts @ HEAD c144361f:
 * `password`, `connectionString`, `ssl.clientKey`, `sshTunnel.password`,
 * `sshTunnel.privateKey`, `sshTunnel.passphrase`, `agentPassword`.
 */
import type { LegacyRng } from './random.ts';

export type SecretKind =
  | 'password'
  | 'connectionString'
  | 'sslClientKey'
  | 'sshPassword'
  | 'sshPrivateKey'
  | 'sshPassphrase'
  | 'agentPassword';

/** Matches the marker every generated secret carries. */
export const SECRET_MARKER = /SECRET-?\d+/;

const AWKWARD = `p@ss:w/rd?#%'"\\ ünïcødé-密码-🔑`;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A password-like value, `SECRET-<n>-<kind> p@ss:w/rd?#%'"\ ünïcødé-密码-🔑-<random>`, NOT
 * recorded: for a value that is stored only in another form (percent-encoded in a URI).
 */
export function unrecordedSecret(rng: LegacyRng, kind: SecretKind): string {
  const n = rng.secrets.nextNumber();
  return `SECRET-${n}-${kind} ${AWKWARD}-${rng.string(6)}`;
}

/** A password-like secret, recorded in the ledger. */
export function mintSecret(rng: LegacyRng, kind: SecretKind): string {
  return rng.secrets.record(unrecordedSecret(rng, kind));
}

function pemBody(rng: LegacyRng, prefix: string, marker: string, bytes: number): string {
  const chars = Math.ceil((bytes * 4) / 3 / 4) * 4;
  let body = `${prefix}${marker}`;
  body += rng.string(chars - body.length - 2, BASE64);
  body += '==';
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += 70) lines.push(body.slice(i, i + 70));
  return lines.join('\n');
}

/**
 * An OpenSSH private key as `ssh-keygen -t rsa -b 4096` prints it (about 3.4 KB, 70-column base64,
 * trailing newline): the shape users paste into the tunnel form.
 */
export function mintSshPrivateKey(rng: LegacyRng): string {
  const n = rng.secrets.nextNumber();
  const body = pemBody(rng, 'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAG', `SECRET${n}`, 2_590);
  return rng.secrets.record(
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
  );
}

/** A PKCS#8 client key for TLS (about 1.7 KB, 64-column base64 in real files; 70 here is harmless). */
export function mintTlsClientKey(rng: LegacyRng): string {
  const n = rng.secrets.nextNumber();
  const body = pemBody(rng, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', `SECRET${n}`, 1_218);
  return rng.secrets.record(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`);
}

/** A public certificate: not a secret, but it sits beside one and looks alike. */
export function certificatePem(rng: LegacyRng, label: string): string {
  const body = pemBody(rng, 'MIIDazCCAlOgAwIBAgIU', label.replace(/[^A-Za-z0-9]/g, ''), 1_100);
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/**
 * The forms a secret takes in serialised storage: itself, and as it appears inside a JSON string
 * (quotes, backslashes and newlines escaped). A scan of raw `localStorage` text needs both.
 */
export function secretSearchForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}
