/**
 * Every failure the storage reports is one of these, with a stable `code` the studio can switch
 * on. Anything else escaping the package is a bug.
 */
export type StorageErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'PERMISSION'
  | 'CONFLICT'
  | 'STORAGE_UNAVAILABLE'
  | 'QUOTA_EXCEEDED';

export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `tags.3`; empty for the input as a whole. */
  readonly path: string;
  readonly message: string;
}

export class ValidationError extends StorageError {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION' as const;
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends StorageError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND' as const;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`No ${entity} with id "${id}".`);
  }
}

export class PermissionError extends StorageError {
  override readonly name = 'PermissionError';
  readonly code = 'PERMISSION' as const;
  constructor(
    readonly action: string,
    message: string,
  ) {
    super(message);
  }
}

export class ConflictError extends StorageError {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT' as const;
}

export type UnavailableReason =
  | 'leader-changed'
  | 'indexeddb-unavailable'
  | 'opfs-unavailable'
  | 'closed'
  | 'open-failed'
  | 'migration-failed'
  /** The database refused a statement for a reason no other error names (its SQLSTATE is kept). */
  | 'database-error';

export class StorageUnavailableError extends StorageError {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'STORAGE_UNAVAILABLE' as const;
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class QuotaExceededError extends StorageError {
  override readonly name = 'QuotaExceededError';
  readonly code = 'QUOTA_EXCEEDED' as const;
  constructor(
    message = 'The browser has no room left for platform data.',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}

/** SQLSTATE codes Postgres (and PGlite) raise that map to a storage error. */
const SQLSTATE = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  diskFull: '53100',
  /** Text Postgres cannot hold (the text codec stores it; a raw statement may not). */
  invalidText: '22021',
  untranslatableCharacter: '22P05',
  numericOutOfRange: '22003',
  invalidDatetime: '22008',
  invalidJson: '22P02',
} as const;

function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
  }
  return false;
}

/**
 * Turns a database failure into the storage error it means. Validation normally catches bad
 * input first; these are the last line (a constraint, a race with another tab).
 */
export function translateDatabaseError(error: unknown, context: string): unknown {
  if (error instanceof StorageError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  switch (sqlState(error)) {
    case SQLSTATE.uniqueViolation:
      return new ConflictError(`${context}: already exists (${detail})`, { cause: error });
    case SQLSTATE.checkViolation:
    case SQLSTATE.notNullViolation:
    case SQLSTATE.invalidText:
    case SQLSTATE.untranslatableCharacter:
    case SQLSTATE.numericOutOfRange:
    case SQLSTATE.invalidDatetime:
    case SQLSTATE.invalidJson:
      return new ValidationError(`${context}: ${detail}`);
    case SQLSTATE.foreignKeyViolation:
      return new ConflictError(`${context}: refers to a row that does not exist (${detail})`, {
        cause: error,
      });
    case SQLSTATE.diskFull:
      return new QuotaExceededError(undefined, { cause: error });
  }
  if (isQuotaError(error)) return new QuotaExceededError(undefined, { cause: error });
  if (error instanceof Error && error.name === 'LeaderChangedError') {
    // The tab holding the database closed mid-request: whether it applied is unknown.
    return new StorageUnavailableError(
      'leader-changed',
      `${context}: the tab holding the database closed during the request; check and retry.`,
      { cause: error },
    );
  }
  const state = sqlState(error);
  if (state !== undefined) {
    // A driver error no case above names: still a storage error, never the raw one.
    return new StorageUnavailableError(
      'database-error',
      `${context}: ${detail} (SQLSTATE ${state})`,
      {
        cause: error,
      },
    );
  }
  return error;
}
