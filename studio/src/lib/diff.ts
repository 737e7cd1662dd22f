// Line diff between two versions' sources (longest common subsequence).
// Runbook sources are small; above LIMIT lines per side the diff gives up
// on alignment and shows a replace, so a huge file never freezes the tab.

export type DiffLine = { kind: 'same' | 'add' | 'del'; text: string; old?: number; new?: number };

const LIMIT = 4000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  if (a.length > LIMIT || b.length > LIMIT) {
    return [
      ...a.map((text, i) => ({ kind: 'del' as const, text, old: i + 1 })),
      ...b.map((text, i) => ({ kind: 'add' as const, text, new: i + 1 })),
    ];
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i], old: i + 1, new: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Deletions before additions, as in a unified diff.
      out.push({ kind: 'del', text: a[i], old: i + 1 });
      i++;
    } else {
      out.push({ kind: 'add', text: b[j], new: j + 1 });
      j++;
    }
  }
  return out;
}

/** Diffs of every file of two versions (files only on one side included). */
export function diffFiles(
  before: Record<string, string> | null,
  after: Record<string, string> | null,
): { file: string; lines: DiffLine[] }[] {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return names
    .map((file) => ({ file, lines: diffLines(before?.[file] ?? '', after?.[file] ?? '') }))
    .filter((d) => d.lines.some((l) => l.kind !== 'same'));
}
