import { type FormEvent, useState } from 'react';
import { useStorage } from '../storage/StorageContext.tsx';

/**
 * Adds a PostgreSQL connection. The storage layer keeps the password in its vault, never in
 * the platform database; queries on it go through the server's `/api/query`.
 */
export function ConnectionForm({ onDone }: { onDone(id: string | null): void }) {
  const state = useStorage();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state.phase !== 'ready') return;
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const id = crypto.randomUUID();
    setSaving(true);
    try {
      await state.storage.saveConnection({
        id,
        name: text('name'),
        type: 'postgres',
        host: text('host') || 'localhost',
        port: Number(text('port') || 5432),
        database: text('database') || undefined,
        user: text('user') || undefined,
        password: String(form.get('password') ?? '') || undefined,
        createdAt: new Date(),
      });
      onDone(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const viewer = state.phase === 'ready' && state.user.role === 'viewer';
  return (
    <div className="dialog-backdrop">
      <form className="dialog" onSubmit={submit} aria-label="New PostgreSQL connection">
        <h2>New PostgreSQL connection</h2>
        {viewer && <p className="panel-note error">Viewers cannot add connections.</p>}
        <label>
          Name <input name="name" required maxLength={200} placeholder="Production replica" />
        </label>
        <div className="row">
          <label className="grow">
            Host <input name="host" placeholder="localhost" />
          </label>
          <label>
            Port <input name="port" type="number" min={1} max={65535} placeholder="5432" />
          </label>
        </div>
        <label>
          Database <input name="database" placeholder="postgres" />
        </label>
        <div className="row">
          <label className="grow">
            User <input name="user" autoComplete="off" />
          </label>
          <label className="grow">
            Password <input name="password" type="password" autoComplete="new-password" />
          </label>
        </div>
        {error && <p className="panel-note error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={saving || viewer || state.phase !== 'ready'}
          >
            {state.phase === 'ready' ? 'Save' : 'Storage is opening…'}
          </button>
        </div>
      </form>
    </div>
  );
}
