import type { SyncServerApi, SyncServerStatus } from '@platform/sync';
import { type FormEvent, useEffect, useState } from 'react';
import { useAction } from '../shell/useAction.ts';
import { describe } from '../storage/describe.ts';
import { useStorage } from '../storage/StorageContext.tsx';
import { DEFAULT_SYNC_URL, useSync, useSyncActions } from '../sync/SyncContext.tsx';
import { indicatorView } from '../sync/status.ts';
import { AccountsPanel } from './AccountsPanel.tsx';

type Probe =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'ok'; server: SyncServerStatus; api: SyncServerApi }
  | { state: 'failed'; message: string };

const field = (form: FormData, name: string) => String(form.get(name) ?? '');

/**
 * Sync settings for the current profile: the server, testing it, logging in (or creating the
 * server's first admin), turning sync on and off, syncing now, resetting this browser's copy;
 * with sync on, the account's password and, for admins, the server's accounts.
 */
export function SyncPage() {
  const storageState = useStorage();
  const { phase, settings, status } = useSync();
  const actions = useSyncActions();
  const [url, setUrl] = useState(DEFAULT_SYNC_URL);
  const [probe, setProbe] = useState<Probe>({ state: 'idle' });
  const action = useAction<string>();
  const { busy, failure, setFailure } = action;
  const [note, setNote] = useState<string | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const [api, setApi] = useState<SyncServerApi | null>(null);

  const enabled = settings?.syncEnabled === true;
  const serverUrl = settings?.syncUrl || url;
  useEffect(() => {
    if (settings?.syncUrl) setUrl(settings.syncUrl);
  }, [settings?.syncUrl]);
  useEffect(() => {
    let active = true;
    actions.api(serverUrl).then(
      (a) => active && setApi(a),
      () => {},
    );
    return () => {
      active = false;
    };
  }, [actions, serverUrl]);

  if (storageState.phase === 'loading' || phase === 'loading') {
    return <div className="page panel-note">Opening sync settings…</div>;
  }
  if (storageState.phase === 'error') {
    return (
      <div className="page panel-note error">Storage could not open: {storageState.message}</div>
    );
  }
  const { user } = storageState;

  const run = (what: string, task: () => Promise<void>) => {
    setNote(null);
    return action.run(what, task);
  };

  const test = () =>
    run('test', async () => {
      setProbe({ state: 'testing' });
      try {
        const server = await actions.api(url);
        const answer = await server.status();
        if (!answer.syncAvailable) {
          setProbe({
            state: 'failed',
            message: `${url} is a studio server without sync: it was started without a DATABASE_URL.`,
          });
          return;
        }
        setProbe({ state: 'ok', server: answer, api: server });
      } catch (e) {
        setProbe({ state: 'failed', message: describe(e) });
      }
    });

  const login = (event: FormEvent<HTMLFormElement>, setup: boolean) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = field(form, 'username').trim();
    const password = field(form, 'password');
    if (setup && password !== field(form, 'confirm')) {
      setFailure('The two passwords differ.');
      return;
    }
    void run('login', async () => {
      const server = probe.state === 'ok' ? probe.api : await actions.api(url);
      const session = setup
        ? await server.setup({ username, password, email: field(form, 'email').trim() || null })
        : await server.login(username, password);
      await actions.enable(server, session);
      setNote(`Sync is on: this profile is now the account "${session.user.username}".`);
    });
  };

  const relogin = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run('login', async () => {
      if (!api) throw new Error('The sync server is not ready.');
      const session = await api.login(user.username, field(form, 'password'));
      if (session.user.id !== user.id) {
        await api.logout();
        throw new Error(`That is another account: this profile syncs as "${user.username}".`);
      }
      actions.resume();
      setNote('Logged in again: sync goes on.');
    });
  };

  const changePassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    if (field(data, 'newPassword') !== field(data, 'confirm')) {
      setFailure('The two new passwords differ.');
      return;
    }
    void run('password', async () => {
      if (!api) throw new Error('The sync server is not ready.');
      await api.changePassword(field(data, 'currentPassword'), field(data, 'newPassword'));
      form.reset();
      setNote('Password changed. Other browsers of this account have to log in again.');
    });
  };

  const view = indicatorView(enabled, status, settings?.lastSyncAt ?? null);
  const pending = status?.pending ?? 0;

  return (
    <section className="page sync-page" aria-label="Sync" data-testid="sync-page">
      <header className="page-header">
        <h1>Sync</h1>
        <span className="muted">
          {enabled
            ? `on: "${user.username}" syncs with ${serverUrl}`
            : "off: this profile's data stays in this browser"}
        </span>
      </header>
      {failure && (
        <div className="banner banner-error" role="alert">
          {failure}
        </div>
      )}
      {note && (
        <div className="banner banner-info" role="status">
          {note}
        </div>
      )}

      {!enabled && (
        <>
          <div className="settings-group">
            <h2>Server</h2>
            <p className="muted small">
              Sync keeps this profile's history, saved queries, connections and preferences in a
              PostgreSQL server, through apps/server and ElectricSQL: the same data in every browser
              you log in from, and back after this browser's data is cleared. Offline, everything
              keeps working and is sent when the server is back. Passwords of connections never
              leave this browser.
            </p>
            <div className="row">
              <label className="inline">
                Server URL
                <input
                  name="url"
                  type="url"
                  value={url}
                  aria-label="Sync server URL"
                  onChange={(e) => {
                    setUrl(e.target.value);
                    setProbe({ state: 'idle' });
                  }}
                />
              </label>
              <button type="button" onClick={test} disabled={busy !== null || url === ''}>
                {probe.state === 'testing' ? 'Testing…' : 'Test connection'}
              </button>
            </div>
            <p data-testid="sync-probe" className={probe.state === 'failed' ? 'error' : ''}>
              {probe.state === 'ok' &&
                (probe.server.setupRequired
                  ? 'The sync server answers. It has no account yet: create the first one, an admin.'
                  : 'The sync server answers. Log in with your account.')}
              {probe.state === 'failed' && probe.message}
            </p>
          </div>

          {probe.state === 'ok' && probe.server.setupRequired ? (
            <form
              className="settings-group"
              aria-label="Create the first account"
              onSubmit={(e) => login(e, true)}
            >
              <h2>Create the first account</h2>
              <p className="muted small">
                It is the server's first admin. This profile's data goes into it.
              </p>
              <label className="inline">
                Username{' '}
                <input
                  name="username"
                  required
                  autoComplete="username"
                  defaultValue={user.username}
                />
              </label>
              <label className="inline">
                Email <input name="email" type="email" autoComplete="email" />
              </label>
              <label className="inline">
                Password{' '}
                <input
                  name="password"
                  type="password"
                  required
                  minLength={8}
                  autoComplete="new-password"
                />
              </label>
              <label className="inline">
                Confirm{' '}
                <input name="confirm" type="password" required autoComplete="new-password" />
              </label>
              <button type="submit" disabled={busy !== null}>
                {busy === 'login' ? 'Creating…' : 'Create account and turn sync on'}
              </button>
            </form>
          ) : (
            <form
              className="settings-group"
              aria-label="Log in to sync"
              onSubmit={(e) => login(e, false)}
            >
              <h2>Log in and turn sync on</h2>
              <p className="muted small">
                This profile becomes the account in this browser: its data is uploaded into the
                account and merged with what the account has (the later change wins). Doing it again
                uploads nothing twice.
              </p>
              <label className="inline">
                Username <input name="username" required autoComplete="username" />
              </label>
              <label className="inline">
                Password{' '}
                <input name="password" type="password" required autoComplete="current-password" />
              </label>
              <button type="submit" disabled={busy !== null || url === ''}>
                {busy === 'login' ? 'Logging in…' : 'Log in and turn sync on'}
              </button>
            </form>
          )}
        </>
      )}

      {enabled && (
        <>
          <div className="settings-group">
            <h2>Status</h2>
            <p data-testid="sync-status" data-state={status?.state ?? 'starting'}>
              <span className={`chip chip-${view.tone}`}>{view.label}</span> {view.detail}
            </p>
            {status && status.rejected.length > 0 && (
              <div data-testid="sync-rejected">
                <p>
                  The server refused {status.rejected.length} change(s); they are kept only here:
                </p>
                <ul>
                  {status.rejected.map((r) => (
                    <li key={`${r.table}:${r.rowId}`}>
                      {r.table.replace('_', ' ')} {r.rowId}: {r.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="row">
              <button
                type="button"
                onClick={() =>
                  run('sync', async () => {
                    await actions.syncNow();
                    setNote('Synced.');
                  })
                }
                disabled={busy !== null}
              >
                {busy === 'sync' ? 'Syncing…' : 'Sync now'}
              </button>
              <button
                type="button"
                onClick={() =>
                  run('off', async () => {
                    await actions.disable();
                    setNote('Sync is off. The data stays in this browser and on the server.');
                  })
                }
                disabled={busy !== null}
              >
                Turn sync off
              </button>
              <button
                type="button"
                onClick={() =>
                  run('logout', async () => {
                    await api?.logout();
                    actions.resume();
                  })
                }
                disabled={busy !== null}
              >
                Log out
              </button>
              {confirmReset ? (
                <>
                  <span>
                    {pending > 0
                      ? `Forget this browser's copy? ${pending} change(s) not yet sent will be lost.`
                      : "Forget this browser's copy and download it again?"}
                  </span>
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      run('reset', async () => {
                        setConfirmReset(false);
                        await actions.resetLocalCopy();
                        setNote("This browser's copy was reset; it is downloading again.");
                      })
                    }
                  >
                    Reset local copy
                  </button>
                  <button type="button" onClick={() => setConfirmReset(false)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  onClick={() => setConfirmReset(true)}
                  disabled={busy !== null}
                >
                  Reset local copy…
                </button>
              )}
            </div>
          </div>

          {status?.state === 'signed-out' && (
            <form className="settings-group" aria-label="Log in again" onSubmit={relogin}>
              <h2>Log in again</h2>
              <p className="muted small">
                The session of "{user.username}" ended (logged out, expired, or the password
                changed). Changes made meanwhile wait here.
              </p>
              <label className="inline">
                Password{' '}
                <input name="password" type="password" required autoComplete="current-password" />
              </label>
              <button type="submit" disabled={busy !== null}>
                {busy === 'login' ? 'Logging in…' : 'Log in'}
              </button>
            </form>
          )}

          <form className="settings-group" aria-label="Account password" onSubmit={changePassword}>
            <h2>Account password</h2>
            <label className="inline">
              Current{' '}
              <input
                name="currentPassword"
                type="password"
                required
                autoComplete="current-password"
              />
            </label>
            <label className="inline">
              New{' '}
              <input
                name="newPassword"
                type="password"
                required
                minLength={8}
                autoComplete="new-password"
              />
            </label>
            <label className="inline">
              Confirm <input name="confirm" type="password" required autoComplete="new-password" />
            </label>
            <button type="submit" disabled={busy !== null}>
              Change password
            </button>
          </form>

          {user.role === 'admin' && api && <AccountsPanel api={api} selfId={user.id} />}
        </>
      )}
    </section>
  );
}
