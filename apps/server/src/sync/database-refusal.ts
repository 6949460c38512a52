// Which database errors of a push are the row's fault, not the server's: Postgres refusing a
// value (class 22, data exception), a constraint (class 23) or a size it cannot index (class 54,
// e.g. a tag too long for the tags' GIN index). The push validates rows before writing them;
// this is the guard for what validation did not foresee, so such a row becomes an `invalid`
// answer for its own mutation instead of a failed push.
import pg from 'pg';

const REFUSAL_CLASSES = ['22', '23', '54'];

/** Reasons carry Postgres's message, which may quote the value: never the whole of a long one. */
const MAX_MESSAGE = 300;

/** The reason to answer when `error` is Postgres refusing the row written, else null. */
export function databaseRefusal(error: unknown): string | null {
  if (!(error instanceof pg.DatabaseError)) return null;
  const code = error.code ?? '';
  if (!REFUSAL_CLASSES.some((c) => code.startsWith(c))) return null;
  const where = error.column ?? error.constraint ?? 'row';
  const message =
    error.message.length > MAX_MESSAGE ? `${error.message.slice(0, MAX_MESSAGE)}…` : error.message;
  return `${where}: the database refused it (${code}: ${message})`;
}
