/**
 * A connection string can carry a password (`postgres://user:pw@host/db`, or libpq's
 * `host=h password=pw`). PGlite stores the string with that password replaced by a mask, and the
 * vault keeps the password exactly as it was written (still percent-encoded, or still quoted),
 * so putting it back gives the original string byte for byte. A string whose vault entry is gone
 * still reads as a recognisably masked string rather than a wrong one.
 */
export const PASSWORD_MASK = '********';

const URL_FORM = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;
const KEY_VALUE_PASSWORD = /(^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']+)/i;

interface Located {
  before: string;
  password: string;
  after: string;
}

function locate(cs: string): Located | null {
  const url = URL_FORM.exec(cs);
  if (url) {
    const [, scheme = '', authority = '', rest = ''] = url;
    const at = authority.lastIndexOf('@');
    if (at < 0) return null;
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return null;
    const password = userinfo.slice(colon + 1);
    if (password === '') return null;
    return {
      before: scheme + userinfo.slice(0, colon + 1),
      password,
      after: authority.slice(at) + rest,
    };
  }
  const kv = KEY_VALUE_PASSWORD.exec(cs);
  if (!kv) return null;
  const [whole, lead = '', key = '', value = ''] = kv;
  const start = kv.index + lead.length + key.length;
  return { before: cs.slice(0, start), password: value, after: cs.slice(kv.index + whole.length) };
}

export function splitConnectionString(cs: string): { sanitized: string; password: string | null } {
  const found = locate(cs);
  if (!found) return { sanitized: cs, password: null };
  return { sanitized: `${found.before}${PASSWORD_MASK}${found.after}`, password: found.password };
}

export function joinConnectionString(sanitized: string, password: string | null): string {
  if (password === null) return sanitized;
  const found = locate(sanitized);
  if (!found || found.password !== PASSWORD_MASK) return sanitized;
  return `${found.before}${password}${found.after}`;
}
