// Fails the build when the JavaScript a first visit loads is over budget.
//
// "Initial load" is the entry chunk plus the chunks it imports statically
// (read from Vite's manifest); chunks loaded on demand (the editor) are
// reported separately. Sizes are gzip -9, as a server would send them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const LIMIT = 500 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
const initial = new Set();
const visit = (chunk) => {
  if (initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const key of chunk.imports ?? []) visit(manifest[key]);
};
visit(entry);
const js = [...new Set(Object.values(manifest).map((c) => c.file))].filter((f) => f.endsWith('.js'));
const lazy = js.filter((f) => !initial.has(f));
const sum = (files) => files.reduce((total, f) => total + gz(f), 0);
const initialBytes = sum([...initial]);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`studio: initial JavaScript ${kib(initialBytes)} gzipped (limit ${kib(LIMIT)})`);
console.log(`studio: loaded on demand ${kib(sum(lazy))} gzipped (${lazy.join(', ') || 'none'})`);
console.log(`studio: all JavaScript ${kib(sum(js))} gzipped`);
if (initialBytes > LIMIT) {
  console.error(`studio: the initial JavaScript is over the ${kib(LIMIT)} budget`);
  process.exit(1);
}
