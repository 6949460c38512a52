import type { SavedQueryRecord } from '@platform/storage';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useStorage } from '../storage/StorageContext.tsx';
import { planSave } from './savedState.ts';
import { addTags, removeTag } from './tags.ts';

export interface SaveDraft {
  name: string;
  description: string;
  tags: string[];
  query: string;
}

export interface SaveDialogProps {
  /** Prefilled fields; `query` is shown, not edited: it is the tab's text (or the saved one's). */
  draft: SaveDraft;
  /** The saved query being changed; absent to create one. */
  savedId?: string;
  /** The database type a new query is saved for (the active connection's); edits keep theirs. */
  connectionType?: string;
  onClose(): void;
  onSaved(record: SavedQueryRecord): void;
}

/** `@platform/storage` is loaded lazily, so its error classes are told apart by `code`. */
function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error as { code: unknown };
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Saves a tab as a saved query, or edits one: name, description, tags (chips). */
export function SaveDialog({ draft, savedId, connectionType, onClose, onSaved }: SaveDialogProps) {
  const state = useStorage();
  const [name, setName] = useState(draft.name);
  const [description, setDescription] = useState(draft.description);
  const [tags, setTags] = useState(draft.tags);
  const [tagText, setTagText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    nameInput.current?.select();
  }, []);

  const viewer = state.phase === 'ready' && state.user.role === 'viewer';

  const commitTagText = (): string[] => {
    const next = addTags(tags, tagText);
    setTags(next);
    setTagText('');
    return next;
  };

  const onTagKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      // Enter commits the chip rather than submitting the form half-typed.
      event.preventDefault();
      commitTagText();
    } else if (event.key === 'Backspace' && tagText === '' && tags.length > 0) {
      setTags(tags.slice(0, -1));
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state.phase !== 'ready') return;
    const { storage } = state;
    // Text still in the tag box counts: the user need not press Enter before Save.
    const fields = {
      name,
      description: description.trim() || null,
      tags: commitTagText(),
      query: draft.query,
    };
    const plan = planSave(savedId, crypto.randomUUID());
    const created = { ...fields, ...(connectionType ? { connectionType } : {}) };
    setSaving(true);
    setError(null);
    try {
      let record: SavedQueryRecord;
      if (plan.kind === 'update') {
        try {
          record = await storage.savedQueries.update(plan.id, fields);
        } catch (e) {
          // Deleted meanwhile (perhaps in another browser tab): save it anew rather than fail.
          if (errorCode(e) !== 'NOT_FOUND') throw e;
          record = await storage.savedQueries.save({ id: crypto.randomUUID(), ...created });
        }
      } else {
        record = await storage.savedQueries.save({ id: plan.id, ...created });
      }
      onSaved(record);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const title = savedId ? 'Edit saved query' : 'Save query';
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        onSubmit={submit}
        aria-label={title}
        data-testid="save-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2>{title}</h2>
        {viewer && <p className="panel-note error">Viewers cannot save queries.</p>}
        <label>
          Name
          <input
            ref={nameInput}
            name="name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Description
          <textarea
            name="description"
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <label>
          Tags
          <span className="tag-input">
            {tags.map((tag) => (
              <span key={tag} className="chip tag-chip">
                {tag}
                <button
                  type="button"
                  className="icon-button chip-remove"
                  aria-label={`Remove tag ${tag}`}
                  onClick={() => setTags(removeTag(tags, tag))}
                >
                  ×
                </button>
              </span>
            ))}
            <input
              name="tags"
              placeholder={tags.length ? '' : 'reports, daily'}
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              onKeyDown={onTagKey}
              onBlur={() => tagText.trim() && commitTagText()}
            />
          </span>
        </label>
        <pre className="save-preview" title="The query text that is saved">
          {draft.query}
        </pre>
        {error && (
          <p className="panel-note error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={saving || viewer || state.phase !== 'ready'}
          >
            {state.phase === 'ready' ? (saving ? 'Saving…' : 'Save') : 'Storage is opening…'}
          </button>
        </div>
      </form>
    </div>
  );
}
