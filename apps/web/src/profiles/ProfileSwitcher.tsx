import { type FormEvent, useEffect, useRef, useState } from 'react';
import { hashFor } from '../shell/route.ts';
import { describe } from '../storage/describe.ts';
import { useStorage, useStorageActions } from '../storage/StorageContext.tsx';
import { type ProfileRow, useProfiles } from './useProfiles.ts';

/**
 * The current profile in the header, and a menu to switch: a profile with a password asks for
 * it in place. Switching swaps every panel to the other profile's data.
 */
export function ProfileSwitcher() {
  const state = useStorage();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !menu.current?.contains(event.target as Node)
      )
        setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);

  if (state.phase !== 'ready') {
    return (
      <span className="profile" data-testid="profile">
        <span className="muted">profile…</span>
      </span>
    );
  }
  return (
    <div className="profile-switcher" ref={menu}>
      <button
        type="button"
        className="profile"
        data-testid="profile"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title="Switch profile"
      >
        {state.user.username} <span className="role">{state.user.role}</span> ▾
      </button>
      {open && <ProfileMenu currentId={state.user.id} onDone={() => setOpen(false)} />}
    </div>
  );
}

function ProfileMenu({ currentId, onDone }: { currentId: string; onDone(): void }) {
  const { profiles, error } = useProfiles();
  const { switchProfile } = useStorageActions();
  const [asking, setAsking] = useState<ProfileRow | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (profile: ProfileRow, password?: string) => {
    if (profile.id === currentId) return onDone();
    if (profile.hasPassword && password === undefined) {
      setFailure(null);
      return setAsking(profile);
    }
    setBusy(true);
    try {
      await switchProfile(profile.id, password);
      onDone();
    } catch (e) {
      setFailure(describe(e));
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!asking) return;
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    void choose(asking, password);
  };

  return (
    <div className="menu" role="menu" aria-label="Profiles">
      {error && <div className="panel-note error">{error}</div>}
      {profiles === null && !error && <div className="panel-note">Loading profiles…</div>}
      {asking ? (
        <form className="menu-form" onSubmit={submitPassword} aria-label="Profile password">
          <div>
            Password for <strong>{asking.username}</strong>
          </div>
          {/* biome-ignore lint/a11y/noAutofocus: the menu exists to type this password */}
          <input name="password" type="password" autoComplete="current-password" autoFocus />
          {failure && <div className="panel-note error">{failure}</div>}
          <div className="dialog-actions">
            <button type="button" onClick={() => setAsking(null)}>
              Back
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Switch
            </button>
          </div>
        </form>
      ) : (
        <>
          {profiles?.map((p) => (
            <button
              key={p.id}
              type="button"
              role="menuitemradio"
              aria-checked={p.id === currentId}
              className="menu-item"
              disabled={busy}
              onClick={() => void choose(p)}
            >
              <span className="menu-check">{p.id === currentId ? '✓' : ''}</span>
              {p.username} <span className="role">{p.role}</span>
              {p.hasPassword && (
                <span className="muted" title="Asks for a password">
                  {' '}
                  🔒
                </span>
              )}
            </button>
          ))}
          {failure && <div className="panel-note error">{failure}</div>}
          <a className="menu-item" href={hashFor('profiles')} onClick={onDone}>
            Manage profiles…
          </a>
        </>
      )}
    </div>
  );
}
