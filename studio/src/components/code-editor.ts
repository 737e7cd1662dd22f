// CodeMirror 6 for Python source. This module is loaded on demand (its own
// chunk), so the list pages never pay for the editor.

import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';

export interface CodeEditor {
  getDoc(): string;
  setDoc(text: string): void;
  /** Marks `line` (1-based) with `message`, and scrolls to it. */
  showError(line: number | null, message: string): void;
  clearErrors(): void;
  focus(): void;
  destroy(): void;
}

export function createEditor(
  parent: HTMLElement,
  doc: string,
  options: {
    onChange: (text: string) => void;
    onSave: () => void;
    language: 'python' | 'text';
    /** Shown for reading only (source the Studio cannot build). */
    readOnly?: boolean;
  },
): CodeEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of('    '),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        lintGutter(),
        options.language === 'python' ? python() : [],
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => (options.onSave(), true) },
          // Escape leaves the editor so Tab-indentation never traps the keyboard.
          { key: 'Escape', run: (v) => (v.contentDOM.blur(), true) },
          indentWithTab,
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'source editor' }),
        EditorState.readOnly.of(options.readOnly ?? false),
        EditorView.editable.of(!options.readOnly),
      ],
    }),
  });
  return {
    getDoc: () => view.state.doc.toString(),
    setDoc: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    showError(line, message) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(line ?? 1, 1), doc.lines));
      const diagnostic: Diagnostic = { from: target.from, to: target.to, severity: 'error', message };
      view.dispatch(setDiagnostics(view.state, [diagnostic]));
      view.dispatch({ effects: EditorView.scrollIntoView(target.from, { y: 'center' }) });
    },
    clearErrors: () => view.dispatch(setDiagnostics(view.state, [])),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
