import type { PlatformRole } from '@platform/schema/browser';
import { PermissionError } from './errors.ts';

/** The profile every call acts as. */
export interface Actor {
  readonly id: string;
  readonly role: PlatformRole;
}

export type Action =
  | 'history.write'
  | 'preferences.write'
  | 'savedQueries.write'
  | 'connections.write'
  | 'users.manage'
  /** Forgetting every stored password; anyone may once they are unreadable anyway. */
  | 'vault.reset';

/**
 * Who may do what, beyond the rule that matters most and holds for everyone including admins:
 * history, saved queries, connections and preferences are only ever the current user's own.
 */
const RULES: Record<Action, readonly PlatformRole[]> = {
  'history.write': ['admin', 'user', 'viewer'],
  'preferences.write': ['admin', 'user', 'viewer'],
  'savedQueries.write': ['admin', 'user'],
  'connections.write': ['admin', 'user'],
  'users.manage': ['admin'],
  'vault.reset': ['admin'],
};

const DESCRIPTIONS: Record<Action, string> = {
  'history.write': 'change query history',
  'preferences.write': 'change preferences',
  'savedQueries.write': 'create or change saved queries',
  'connections.write': 'create or change connections',
  'users.manage': 'manage users',
  'vault.reset': 'reset the password vault while it still opens',
};

export function can(role: PlatformRole, action: Action): boolean {
  return RULES[action].includes(role);
}

export function assertCan(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) {
    throw new PermissionError(action, `A ${actor.role} cannot ${DESCRIPTIONS[action]}.`);
  }
}
