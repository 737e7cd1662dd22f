// The source editor: the newest version's files in CodeMirror; saving
// builds a new version on the server (deployed to the first environment),
// and a build error is shown inline at its file and line. A runbook built
// elsewhere (Rust, uploaded by `wolfe deploy`) is shown read-only.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type RunbookDetail, type Version } from '../../api/client';
import type { CodeEditor } from '../../components/code-editor';
import { ErrorBox, Loading, useCan, useSession } from '../../components/ui';
import { href } from '../../lib/route';

const TEMPLATE = `"""What this runbook does, in one line."""

import wolfe
from wolfe import log


@wolfe.runbook
def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict:
    for event in events:
        log.info(f"received {event.kind} from {event.source}")
    return {"events": len(events)}
`;

type Saved = { kind: 'saved'; version: Version } | { kind: 'failed'; error: unknown } | null;

export function EditorTab({ runbook, onSaved }: { runbook: RunbookDetail; onSaved: () => void }) {
  const { client } = useSession();
  const canEdit = useCan('author');
  const [files, setFiles] = useState<Record<string, string> | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [language, setLanguage] = useState('python');
  const [current, setCurrent] = useState('main.py');
  const [message, setMessage] = useState('');
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<Saved>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditor | null>(null);
  const filesRef = useRef<Record<string, string>>({});
  const saveRef = useRef<() => void>(() => undefined);

  // The newest version's source, or a template for a new runbook.
  useEffect(() => {
    let live = true;
    (async (): Promise<{ files: Record<string, string>; number: number | null; language: string }> => {
      const versions = await client.versions(runbook.name);
      if (versions.length === 0) return { files: { 'main.py': TEMPLATE }, number: null, language: 'python' };
      const newest = await client.version(runbook.name, versions[0].number);
      return { files: newest.files ?? { 'main.py': '' }, number: newest.number, language: newest.language };
    })().then(
      (loaded) => {
        if (!live) return;
        filesRef.current = { ...loaded.files };
        setFiles(loaded.files);
        setBase(loaded.number);
        setLanguage(loaded.language);
        const entry = ['main.py', 'src/lib.rs'].find((name) => loaded.files[name] !== undefined);
        setCurrent(entry ?? Object.keys(loaded.files)[0]);
      },
      (error) => live && setLoadError(error),
    );
    return () => {
      live = false;
    };
  }, [runbook.name]);

  // CodeMirror is loaded on first use and mounted once per file.
  useEffect(() => {
    if (!files || !host.current) return;
    let cancelled = false;
    import('../../components/code-editor').then(({ createEditor }) => {
      if (cancelled || !host.current) return;
      editor.current?.destroy();
      editor.current = createEditor(host.current, filesRef.current[current] ?? '', {
        language: current.endsWith('.py') ? 'python' : 'text',
        readOnly: language !== 'python',
        onChange: (text) => {
          filesRef.current[current] = text;
          setDirty(true);
        },
        onSave: () => saveRef.current(),
      });
      showFailure(result);
    });
    return () => {
      cancelled = true;
      editor.current?.destroy();
      editor.current = null;
    };
  }, [files, current, language]);

  function showFailure(saved: Saved) {
    if (saved?.kind !== 'failed' || !(saved.error instanceof ApiError)) return;
    const { file, line } = saved.error.body;
    if (file === current || (!file && current === 'main.py')) {
      editor.current?.showError(line ?? null, saved.error.message);
    }
  }

  async function save() {
    if (!canEdit || saving || language !== 'python') return;
    setSaving(true);
    setResult(null);
    editor.current?.clearErrors();
    try {
      const version = await client.saveSource(runbook.name, { ...filesRef.current }, message);
      setResult({ kind: 'saved', version });
      setBase(version.number);
      setDirty(false);
      setMessage('');
      onSaved();
    } catch (error) {
      const failed: Saved = { kind: 'failed', error };
      setResult(failed);
      if (error instanceof ApiError && error.body.file && error.body.file !== current && filesRef.current[error.body.file] !== undefined) {
        setCurrent(error.body.file); // the remount shows the marker
      } else {
        showFailure(failed);
      }
    } finally {
      setSaving(false);
    }
  }
  saveRef.current = save;

  if (loadError) return <ErrorBox error={loadError} />;
  if (!files) return <Loading what="source" />;
  const failure = result?.kind === 'failed' && result.error instanceof ApiError ? result.error : null;
  return (
    <div class="editor-tab">
      <div class="toolbar">
        <span class="file-tabs" role="tablist" aria-label="files">
          {Object.keys(files).map((name) => (
            <button type="button" role="tab" aria-selected={name === current} onClick={() => setCurrent(name)}>
              {name}
            </button>
          ))}
        </span>
        <span class="muted small">
          {base ? (language === 'python' ? `editing from v${base}` : `v${base}, read-only`) : 'new runbook'}
          {dirty && ' · unsaved changes'}
        </span>
      </div>
      <div class="code" ref={host} />
      {language !== 'python' ? (
        <p class="notice" role="note">
          This runbook is written in {language === 'rust' ? 'Rust' : language} and built outside the Studio; its
          source is shown for reading. Deploy a change with <code>wolfe deploy &lt;dir&gt;</code>, which builds it
          and uploads the component.
        </p>
      ) : canEdit ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label>
            Message
            <input
              name="message"
              placeholder="what changed (optional)"
              value={message}
              onInput={(e) => setMessage(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={saving} aria-keyshortcuts="Control+S">
            {saving ? 'Building…' : 'Save & build'}
          </button>
          <span class="muted small">Ctrl-S in the editor saves; Esc leaves it.</span>
        </form>
      ) : (
        <p class="muted">Your role cannot save source (author needed).</p>
      )}
      {result?.kind === 'saved' && (
        <div class="notice ok" role="status">
          Saved <b>v{result.version.number}</b> and deployed it to {result.version.deployed_in.join(', ')}.{' '}
          <a href={href('runbooks', runbook.name, 'run')}>Run it now</a>
          {result.version.build_log && <pre class="log small">{result.version.build_log}</pre>}
        </div>
      )}
      {failure && failure.code === 'build_failed' ? (
        <div class="error build-error" role="alert">
          <b>Build failed</b>
          {failure.body.file && (
            <span class="location">
              {' '}
              at {failure.body.file}
              {failure.body.line != null && `, line ${failure.body.line}`}
            </span>
          )}
          : {failure.message}
          {failure.body.log && (
            <details>
              <summary>Build log</summary>
              <pre class="log">{failure.body.log}</pre>
            </details>
          )}
        </div>
      ) : (
        result?.kind === 'failed' && <ErrorBox error={result.error} />
      )}
    </div>
  );
}
