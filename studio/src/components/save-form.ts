// A settings form's life: its fields come from the server, the user edits
// them, a save reports "Saved." or the error and reloads what the server
// kept. "Saved." stays through that reload; it goes with the next edit, or
// when the form shows another thing (`deps`).

import { useEffect, useState } from 'preact/hooks';
import { type Async, useAsync } from './ui';

export interface SaveForm<D, F> {
  loaded: Async<D>;
  /** Null until the first load. */
  fields: F | null;
  edit: (fields: F) => void;
  /** An `onSubmit` that stores the fields with `store`. */
  save: (store: (fields: F) => Promise<unknown>) => (event: Event) => Promise<void>;
  error: unknown;
  saved: boolean;
}

export function useSaveForm<D, F>(load: () => Promise<D>, fieldsOf: (data: D) => F, deps: unknown[]): SaveForm<D, F> {
  const loaded = useAsync(load, deps);
  const [fields, setFields] = useState<F | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setFields(fieldsOf(loaded.data));
  }, [loaded.data]);
  useEffect(() => setSaved(false), deps);
  return {
    loaded,
    fields,
    edit: (next) => {
      setSaved(false);
      setFields(next);
    },
    save: (store) => async (event) => {
      event.preventDefault();
      setError(null);
      try {
        await store(fields!);
        setSaved(true);
        loaded.reload();
      } catch (err) {
        setError(err);
      }
    },
    error,
    saved,
  };
}
