import type { UserRecord } from '@platform/storage';
import { type FormEvent, useState } from 'react';
import { describe } from '../storage/describe.ts';
import { useStorage } from '../storage/StorageContext.tsx';
import { useSync } from '../sync/SyncContext.tsx';
import type { ProfileRow } from './useProfiles.ts';

type PlatformRole = UserRecord['role'];

const ROLES: { value: PlatformRole; label: string }[] = [
  { value: 'admin', label: 'Admin: everything, and manages profiles' },
  { value: 'user', label: 'User: runs queries, saves them, adds connections' },
  { value: 'viewer', label: 'Viewer: runs read-only queries, cannot save' },
];

type PasswordChange = 'keep' | 'set' | 'remove';

export interface ProfileFormProps {
  /** The profile to edit; absent to create one. */
  profile?: ProfileRow;
  /** Admins may set roles and anyone's password; others edit only themselves, never their role. */
  canManage: boolean;
  onDone(changed: boolean): void;
}

/**
 * Creates or edits a local profile. The password goes to the vault (a salted PBKDF2 hash,
 * encrypted), never to PGlite; it guards switching to the profile in this browser.
 */
export function ProfileForm({ profile, canManage, onDone }: ProfileFormProps) {
  const state = useStorage();
  const sync = useSync();
  // A profile that syncs is an account of the sync server, which owns its name, email and role
  // (the push refuses changes to them): they are changed there, not here.
  const managed =
    profile !== undefined &&
    state.phase === 'ready' &&
    profile.id === state.user.id &&
    sync.settings?.syncEnabled === true;
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [passwordChange, setPasswordChange] = useState<PasswordChange>(profile ? 'keep' : 'set');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state.phase !== 'ready') return;
    const form = new FormData(event.currentTarget);
    const username = String(form.get('username') ?? '').trim();
    const email = String(form.get('email') ?? '').trim() || null;
    const role = String(form.get('role') ?? profile?.role ?? 'user') as PlatformRole;
    const password = String(form.get('password') ?? '');
    const confirm = String(form.get('confirm') ?? '');
    // A new profile may go without a password; "set" on an edit means a new one is required.
    const settingPassword = passwordChange === 'set' && (profile !== undefined || password !== '');
    if (settingPassword && password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    if (passwordChange === 'set' && profile && password === '') {
      setError('Type the new password, or keep the current one.');
      return;
    }
    setSaving(true);
    setError(null);
    const { storage } = state;
    try {
      const saved = profile
        ? managed
          ? profile
          : await storage.users.update(profile.id, {
              username,
              email,
              ...(canManage ? { role } : {}),
            })
        : await storage.users.create({ username, email, role });
      try {
        if (settingPassword) await storage.setProfilePassword(saved.id, password);
        else if (passwordChange === 'remove') await storage.setProfilePassword(saved.id, null);
      } catch (e) {
        // The profile itself is stored; say exactly what did not happen.
        setError(`The profile was saved, but its password was not changed: ${describe(e)}`);
        return;
      }
      onDone(true);
    } catch (e) {
      setError(describe(e));
    } finally {
      setSaving(false);
    }
  };

  const title = profile ? `Edit profile ${profile.username}` : 'New profile';
  return (
    <div className="dialog-backdrop">
      <form className="dialog" onSubmit={submit} aria-label={title}>
        <h2>{title}</h2>
        <label>
          Name{' '}
          <input
            name="username"
            required
            maxLength={100}
            defaultValue={profile?.username ?? ''}
            autoComplete="off"
            readOnly={managed}
          />
        </label>
        <label>
          Email <span className="muted">(optional)</span>
          <input name="email" type="email" defaultValue={profile?.email ?? ''} readOnly={managed} />
        </label>
        {managed && (
          <p className="muted small" data-testid="profile-managed-by-server">
            This profile syncs with the server: its name, email and role belong to the server
            account. An admin changes them on the Sync page.
          </p>
        )}
        <label>
          Role
          <select
            name="role"
            defaultValue={profile?.role ?? 'user'}
            disabled={!canManage || managed}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="password-fieldset">
          <legend>Password</legend>
          {profile && (
            <div className="row" role="radiogroup" aria-label="Password change">
              <label className="inline">
                <input
                  type="radio"
                  name="passwordChange"
                  checked={passwordChange === 'keep'}
                  onChange={() => setPasswordChange('keep')}
                />
                {profile.hasPassword ? 'Keep the current password' : 'No password'}
              </label>
              <label className="inline">
                <input
                  type="radio"
                  name="passwordChange"
                  checked={passwordChange === 'set'}
                  onChange={() => setPasswordChange('set')}
                />
                {profile.hasPassword ? 'Change it' : 'Set one'}
              </label>
              {profile.hasPassword && (
                <label className="inline">
                  <input
                    type="radio"
                    name="passwordChange"
                    checked={passwordChange === 'remove'}
                    onChange={() => setPasswordChange('remove')}
                  />
                  Remove it
                </label>
              )}
            </div>
          )}
          {passwordChange === 'set' && (
            <div className="row">
              <label className="grow">
                {profile ? 'New password' : 'Password (optional)'}
                <input
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  maxLength={1024}
                />
              </label>
              <label className="grow">
                Repeat
                <input
                  name="confirm"
                  type="password"
                  autoComplete="new-password"
                  maxLength={1024}
                />
              </label>
            </div>
          )}
          <p className="muted small">
            Asked when switching to this profile in this browser. Kept in the password vault, never
            in the database.
          </p>
        </fieldset>
        {error && (
          <p className="panel-note error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving || state.phase !== 'ready'}>
            {profile ? 'Save' : 'Create profile'}
          </button>
        </div>
      </form>
    </div>
  );
}
