import type { ManagedAccount, SyncServerApi } from '@platform/sync';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { describe } from '../storage/describe.ts';

type Role = ManagedAccount['role'];
const ROLES: Role[] = ['admin', 'user', 'viewer'];

/**
 * The sync server's accounts, for admins: create one, change its role, reset its password,
 * delete it. Passwords are only ever typed here and sent to the server, which keeps a hash.
 */
export function AccountsPanel({ api, selfId }: { api: SyncServerApi; selfId: string }) {
  const [accounts, setAccounts] = useState<ManagedAccount[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  const load = useCallback(() => {
    api.listAccounts().then(setAccounts, (e: unknown) => setFailure(describe(e)));
  }, [api]);
  useEffect(load, [load]);

  const act = async (task: () => Promise<unknown>, done: string) => {
    setFailure(null);
    setNote(null);
    try {
      await task();
      setNote(done);
      load();
    } catch (e) {
      setFailure(describe(e));
    }
  };

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    void act(async () => {
      await api.createAccount({
        username,
        email: String(data.get('email') ?? '').trim() || null,
        role: String(data.get('role')) as Role,
        password: String(data.get('password') ?? ''),
      });
      form.reset();
    }, `Account "${username}" created.`);
  };

  return (
    <div className="settings-group" data-testid="accounts-panel">
      <h2>Accounts on the server</h2>
      {failure && (
        <div className="banner banner-error" role="alert">
          {failure}
        </div>
      )}
      {note && <p role="status">{note}</p>}
      {accounts === null ? (
        <p className="muted">Loading accounts…</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <tr key={account.id} data-testid="account-row" data-username={account.username}>
                <td>
                  {account.username}{' '}
                  {account.id === selfId && <span className="small-chip">you</span>}
                </td>
                <td>{account.email ?? '—'}</td>
                <td>
                  <select
                    aria-label={`Role of ${account.username}`}
                    value={account.role}
                    onChange={(e) => {
                      const role = e.target.value as Role;
                      void act(
                        () => api.updateAccount(account.id, { role }),
                        `${account.username} is now ${role}.`,
                      );
                    }}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="row-actions">
                  {resetting === account.id ? (
                    <form
                      className="row"
                      onSubmit={(event) => {
                        event.preventDefault();
                        const password = String(
                          new FormData(event.currentTarget).get('password') ?? '',
                        );
                        setResetting(null);
                        void act(
                          () => api.resetPassword(account.id, password),
                          `New password set for ${account.username}; their sessions ended.`,
                        );
                      }}
                    >
                      <input
                        name="password"
                        type="password"
                        required
                        minLength={8}
                        aria-label={`New password for ${account.username}`}
                        autoComplete="new-password"
                      />
                      <button type="submit">Set</button>
                      <button type="button" onClick={() => setResetting(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <button type="button" onClick={() => setResetting(account.id)}>
                      Reset password…
                    </button>
                  )}
                  {account.id !== selfId &&
                    (deleting === account.id ? (
                      <>
                        <button
                          type="button"
                          className="danger"
                          onClick={() => {
                            setDeleting(null);
                            void act(
                              () => api.deleteAccount(account.id),
                              `${account.username} and all their data were deleted from the server.`,
                            );
                          }}
                        >
                          Delete, with all their data
                        </button>
                        <button type="button" onClick={() => setDeleting(null)}>
                          Cancel
                        </button>
                      </>
                    ) : (
                      <button type="button" onClick={() => setDeleting(account.id)}>
                        Delete…
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="row" aria-label="New account" onSubmit={create}>
        <input name="username" required placeholder="username" aria-label="New account username" />
        <input
          name="email"
          type="email"
          placeholder="email (optional)"
          aria-label="New account email"
        />
        <select name="role" defaultValue="user" aria-label="New account role">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
        <input
          name="password"
          type="password"
          required
          minLength={8}
          placeholder="password"
          aria-label="New account password"
          autoComplete="new-password"
        />
        <button type="submit">Create account</button>
      </form>
    </div>
  );
}
