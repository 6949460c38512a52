import type { PlatformStorage, UserRecord } from '@platform/storage';
import { type FormEvent, useEffect, useState } from 'react';
import { describe } from './describe.ts';

interface Choice {
  user: UserRecord;
  hasPassword: boolean;
}

export interface LockScreenProps {
  storage: PlatformStorage;
  /** The protected profile storage opened as (the one last used in this browser). */
  user: UserRecord;
  onUnlock(userId: string, password?: string): Promise<void>;
}

/**
 * Shown when this browser last used a password-protected profile and this tab has not been
 * given its password: type it, or continue as another profile.
 */
export function LockScreen({ storage, user, onUnlock }: LockScreenProps) {
  const [chosen, setChosen] = useState(user.id);
  const [choices, setChoices] = useState<Choice[]>([{ user, hasPassword: true }]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    (async () => {
      const users = await storage.users.list();
      const flags = await Promise.all(users.map((u) => storage.hasProfilePassword(u.id)));
      setChoices(users.map((u, i) => ({ user: u, hasPassword: flags[i] ?? true })));
    })().catch(() => {});
  }, [storage]);

  const choice = choices.find((c) => c.user.id === chosen);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      await onUnlock(chosen, choice?.hasPassword ? password : undefined);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop lock-screen">
      <form className="dialog" onSubmit={submit} aria-label="Unlock profile">
        <h2>Which profile?</h2>
        <label>
          Profile
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} name="profile">
            {choices.map((c) => (
              <option key={c.user.id} value={c.user.id}>
                {c.user.username} ({c.user.role}){c.hasPassword ? ' 🔒' : ''}
              </option>
            ))}
          </select>
        </label>
        {choice?.hasPassword && (
          <label>
            Password
            {/* biome-ignore lint/a11y/noAutofocus: the dialog exists to type this password */}
            <input name="password" type="password" autoComplete="current-password" autoFocus />
          </label>
        )}
        {error && (
          <p className="panel-note error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy}>
            Continue
          </button>
        </div>
      </form>
    </div>
  );
}
