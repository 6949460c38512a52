import { type FormEvent, useState } from 'react';
import { describe } from '../storage/describe.ts';
import { useStorage, useStorageActions } from '../storage/StorageContext.tsx';
import { EDITOR_FONT_SIZES, readPreferences, type ThemeChoice } from './preferences.ts';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/**
 * The current profile's preferences, stored in its JSONB preferences document. Appearance
 * applies as it is changed; history retention deletes entries, so it waits for "Save".
 */
export function SettingsPage() {
  const state = useStorage();
  const { updatePreferences } = useStorageActions();
  const [failure, setFailure] = useState<string | null>(null);
  const [retentionNote, setRetentionNote] = useState<string | null>(null);

  if (state.phase === 'loading') return <div className="page panel-note">Opening settings…</div>;
  if (state.phase === 'error') {
    return <div className="page panel-note error">Settings are unavailable: {state.message}</div>;
  }
  const prefs = readPreferences(state.preferences);

  const apply = (patch: Record<string, unknown>) => {
    setFailure(null);
    updatePreferences(patch).catch((e: unknown) => setFailure(describe(e)));
  };

  const saveRetention = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const maxEntries = Number(form.get('maxEntries'));
    const ageText = String(form.get('maxAgeDays') ?? '').trim();
    setFailure(null);
    setRetentionNote(null);
    try {
      // null removes the age limit (JSON merge patch).
      await updatePreferences({
        historyRetention: { maxEntries, maxAgeDays: ageText === '' ? null : Number(ageText) },
      });
      const removed = await state.storage.history.prune();
      setRetentionNote(
        removed > 0
          ? `Saved. ${removed.toLocaleString()} older entries were removed.`
          : 'Saved. Nothing needed removing.',
      );
    } catch (e) {
      setFailure(describe(e));
    }
  };

  return (
    <section className="page settings" aria-label="Settings" data-testid="settings-page">
      <header className="page-header">
        <h1>Settings</h1>
        <span className="muted">
          for <strong>{state.user.username}</strong>, kept with the profile
        </span>
      </header>
      {failure && (
        <div className="banner banner-error" role="alert">
          {failure}
        </div>
      )}

      <fieldset className="settings-group">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value} className="inline">
            <input
              type="radio"
              name="theme"
              value={t.value}
              checked={prefs.theme === t.value}
              onChange={() => apply({ theme: t.value })}
            />
            {t.label}
          </label>
        ))}
      </fieldset>

      <fieldset className="settings-group">
        <legend>Editor</legend>
        <label className="inline">
          Font size
          <input
            type="number"
            aria-label="Editor font size"
            min={EDITOR_FONT_SIZES.min}
            max={EDITOR_FONT_SIZES.max}
            step={1}
            key={prefs.editorFontSize}
            defaultValue={prefs.editorFontSize}
            onBlur={(e) => {
              const size = Number(e.currentTarget.value);
              if (size !== prefs.editorFontSize) apply({ editorFontSize: size });
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
            }}
          />
          px
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={prefs.editorLineNumbers}
            onChange={(e) => apply({ editorLineNumbers: e.currentTarget.checked })}
          />
          Line numbers
        </label>
        <pre className="font-preview" style={{ fontSize: `${prefs.editorFontSize}px` }}>
          select id, name from customers where id = 42;
        </pre>
      </fieldset>

      <form className="settings-group" onSubmit={saveRetention} aria-label="History retention">
        <fieldset>
          <legend>History retention</legend>
          <label className="inline">
            Keep at most
            <input
              name="maxEntries"
              type="number"
              aria-label="Maximum history entries"
              min={1}
              max={10_000_000}
              required
              defaultValue={prefs.historyRetention.maxEntries}
            />
            entries
          </label>
          <label className="inline">
            and none older than
            <input
              name="maxAgeDays"
              type="number"
              aria-label="Maximum history age in days"
              min={1}
              max={36_500}
              placeholder="no limit"
              defaultValue={prefs.historyRetention.maxAgeDays ?? ''}
            />
            days
          </label>
          <p className="muted small">
            Lowering a limit deletes this profile's older entries at once; they cannot be brought
            back.
          </p>
          <button type="submit">Save retention</button>
          {retentionNote && (
            <span className="muted" role="status">
              {' '}
              {retentionNote}
            </span>
          )}
        </fieldset>
      </form>
    </section>
  );
}
