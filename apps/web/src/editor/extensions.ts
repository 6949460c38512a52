import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, type SQLNamespace, sql } from '@codemirror/lang-sql';
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, type Extension, Prec } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

/** Colours come from CSS variables, so the light and dark themes restyle the editor too. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-number)' },
  {
    tag: [tags.lineComment, tags.blockComment],
    color: 'var(--syntax-comment)',
    fontStyle: 'italic',
  },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--syntax-type)' },
  { tag: tags.operator, color: 'var(--syntax-operator)' },
  { tag: tags.special(tags.name), color: 'var(--syntax-special)' },
]);

const theme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: 'var(--editor-font-size, 13px)',
    backgroundColor: 'var(--editor-bg)',
  },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--editor-gutter)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--editor-selection) !important',
  },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-text)',
  },
  '.cm-completionDetail': { color: 'var(--text-muted)' },
});

export interface RunKeys {
  /** Ctrl/Cmd+Enter: the selection, else the whole script. */
  runAll(view: EditorView): void;
  /** Ctrl/Cmd+Shift+Enter: the selection, else the statement at the cursor. */
  runStatement(view: EditorView): void;
}

/** The SQL language, swapped when the connection's schema arrives. */
export const languageCompartment = new Compartment();

/** The line-number gutter, on or off as the profile's preference says. */
export const lineNumbersCompartment = new Compartment();

export function lineNumberGutter(show: boolean): Extension {
  return show ? [lineNumbers(), highlightActiveLineGutter()] : [];
}

export function sqlLanguage(schema: SQLNamespace | undefined): Extension {
  return sql({ dialect: PostgreSQL, schema, defaultSchema: 'public', upperCaseKeywords: false });
}

export function editorExtensions(
  run: RunKeys,
  schema: SQLNamespace | undefined,
  showLineNumbers = true,
): Extension[] {
  return [
    // Above the default keymap, which binds Mod-Enter to "insert blank line".
    Prec.highest(
      keymap.of([
        {
          key: 'Mod-Enter',
          run: (view) => {
            run.runAll(view);
            return true;
          },
        },
        {
          key: 'Shift-Mod-Enter',
          run: (view) => {
            run.runStatement(view);
            return true;
          },
        },
      ]),
    ),
    lineNumbersCompartment.of(lineNumberGutter(showLineNumbers)),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    autocompletion(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    lintGutter(),
    syntaxHighlighting(highlight),
    placeholder('Write SQL here — Ctrl+Enter runs it'),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...completionKeymap,
      indentWithTab,
    ]),
    languageCompartment.of(sqlLanguage(schema)),
    theme,
  ];
}
