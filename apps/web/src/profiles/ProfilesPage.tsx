import { useState } from 'react';
import { describe } from '../storage/describe.ts';
import { useStorage, useStorageActions } from '../storage/StorageContext.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { type ProfileRow, useProfiles } from './useProfiles.ts';

type Editing = { kind: 'new' } | { kind: 'edit'; profile: ProfileRow } | null;

/**
 * Local profiles: everyone sees the list and edits their own name and password; admins create,
 * edit and delete profiles and set roles. Each profile's history, saved queries, connections and
 * preferences are its own.
 */
export function ProfilesPage() {
  const state = useStorage();
  const { switchProfile } = useStorageActions();
  const { profiles, error, reload } = useProfiles();
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  if (state.phase === 'loading') return <div className="page panel-note">Opening profiles…</div>;
  if (state.phase === 'error') {
    return <div className="page panel-note error">Profiles are unavailable: {state.message}</div>;
  }
  const me = state.user;
  const admin = me.role === 'admin';

  const remove = async (profile: ProfileRow) => {
    setConfirmDelete(null);
    setFailure(null);
    try {
      await state.storage.users.delete(profile.id);
    } catch (e) {
      setFailure(describe(e));
    }
  };

  const switchTo = async (profile: ProfileRow) => {
    setFailure(null);
    // Password-protected profiles are switched to from the header menu, which asks for it.
    await switchProfile(profile.id).catch((e: unknown) => setFailure(describe(e)));
  };

  return (
    <section className="page" aria-label="Profiles" data-testid="profiles-page">
      <header className="page-header">
        <h1>Profiles</h1>
        <span className="spacer" />
        {admin ? (
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'new' })}>
            + New profile
          </button>
        ) : (
          <span className="muted">Only admins create, delete and change roles of profiles.</span>
        )}
      </header>
      {(error || failure) && (
        <div className="banner banner-error" role="alert">
          {failure ?? error}
        </div>
      )}
      <table className="data-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Password</th>
            <th>Created</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {profiles?.map((p) => (
            <tr key={p.id} data-testid="profile-row" data-username={p.username}>
              <td>
                {p.username}
                {p.id === me.id && <span className="chip chip-ok small-chip">you</span>}
              </td>
              <td>{p.email ?? <span className="muted">—</span>}</td>
              <td>
                <span className="role">{p.role}</span>
              </td>
              <td>{p.hasPassword ? 'yes' : <span className="muted">none</span>}</td>
              <td className="muted">{p.createdAt.toLocaleDateString()}</td>
              <td className="row-actions">
                {p.id !== me.id && !p.hasPassword && (
                  <button type="button" onClick={() => void switchTo(p)}>
                    Switch
                  </button>
                )}
                {(admin || p.id === me.id) && (
                  <button type="button" onClick={() => setEditing({ kind: 'edit', profile: p })}>
                    Edit
                  </button>
                )}
                {admin &&
                  p.id !== me.id &&
                  (confirmDelete === p.id ? (
                    <>
                      <span className="muted">Delete with all its data?</span>
                      <button type="button" className="danger" onClick={() => void remove(p)}>
                        Delete
                      </button>
                      <button type="button" onClick={() => setConfirmDelete(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirmDelete(p.id)}>
                      Delete…
                    </button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {profiles === null && !error && <div className="panel-note">Loading profiles…</div>}
      <p className="muted small">
        Profiles keep people's work apart in this browser. A profile password stops switching to it
        without the password; it does not encrypt the data, which anyone with access to this browser
        profile can read.
      </p>
      {editing && (
        <ProfileForm
          profile={editing.kind === 'edit' ? editing.profile : undefined}
          canManage={admin}
          onDone={(changed) => {
            setEditing(null);
            // Password changes live in the vault, which sends no change event: re-read.
            if (changed) reload();
          }}
        />
      )}
    </section>
  );
}
