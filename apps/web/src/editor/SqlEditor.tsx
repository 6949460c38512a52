import type { SQLNamespace } from '@codemirror/lang-sql';
import { setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import {
  editorExtensions,
  languageCompartment,
  lineNumberGutter,
  lineNumbersCompartment,
  sqlLanguage,
} from './extensions.ts';
import { pickRunTarget, type RunTarget } from './statements.ts';

/** An error to underline: where in the document, and what Postgres said. */
export interface ErrorMark {
  from: number;
  message: string;
}

export interface SqlEditorProps {
  /** Identifies the document; switching it swaps in that tab's own state (text, undo, cursor). */
  docId: string;
  initialText: string;
  schema: SQLNamespace | undefined;
  errorMark: ErrorMark | null;
  /** The line-number gutter (default on). */
  lineNumbers?: boolean;
  onChange(text: string): void;
  onRun(target: RunTarget): void;
}

/**
 * CodeMirror 6, created once and kept: each tab's EditorState is stashed on switch, so undo
 * history and selection survive, and the editor is there from the first paint.
 */
export function SqlEditor({
  docId,
  initialText,
  schema,
  errorMark,
  lineNumbers = true,
  onChange,
  onRun,
}: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const states = useRef(new Map<string, EditorState>());
  const current = useRef(docId);
  // The latest callbacks and schema, read by the long-lived editor.
  const latest = useRef({ onChange, onRun, schema, lineNumbers });
  latest.current = { onChange, onRun, schema, lineNumbers };

  const makeState = (text: string) =>
    EditorState.create({
      doc: text,
      extensions: [
        editorExtensions(
          {
            runAll: (v) => run(v, 'all'),
            runStatement: (v) => run(v, 'statement'),
          },
          latest.current.schema,
          latest.current.lineNumbers,
        ),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(update.state.doc.toString());
        }),
      ],
    });

  const run = (v: EditorView, mode: 'all' | 'statement') => {
    const { main } = v.state.selection;
    const target = pickRunTarget(v.state.doc.toString(), main, mode);
    if (target) latest.current.onRun(target);
  };

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({ state: makeState(initialText), parent: host.current });
    view.current = editor;
    editor.focus();
    // `pnpm bench` reads this: navigation to an editor that takes input.
    performance.mark('studio:editor-ready');
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor || current.current === docId) return;
    states.current.set(current.current, editor.state);
    current.current = docId;
    editor.setState(states.current.get(docId) ?? makeState(initialText));
    // A stashed state may predate the schema now known, or the line-number choice.
    editor.dispatch({
      effects: [
        languageCompartment.reconfigure(sqlLanguage(latest.current.schema)),
        lineNumbersCompartment.reconfigure(lineNumberGutter(latest.current.lineNumbers)),
      ],
    });
    editor.focus();
  }, [docId]);

  useEffect(() => {
    view.current?.dispatch({ effects: languageCompartment.reconfigure(sqlLanguage(schema)) });
  }, [schema]);

  useEffect(() => {
    view.current?.dispatch({
      effects: lineNumbersCompartment.reconfigure(lineNumberGutter(lineNumbers)),
    });
  }, [lineNumbers]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    if (!errorMark) {
      editor.dispatch(setDiagnostics(editor.state, []));
      return;
    }
    const doc = editor.state.doc;
    const from = Math.min(errorMark.from, doc.length);
    // Underline the token Postgres points at (at least one character).
    const word = /^[\w$."]+/.exec(doc.sliceString(from, Math.min(doc.length, from + 200)));
    const to = Math.min(doc.length, from + Math.max(1, word?.[0].length ?? 1));
    editor.dispatch(
      setDiagnostics(editor.state, [{ from, to, severity: 'error', message: errorMark.message }]),
      { selection: { anchor: from }, scrollIntoView: true },
    );
  }, [errorMark]);

  return <div className="editor-host" ref={host} data-testid="editor" />;
}
