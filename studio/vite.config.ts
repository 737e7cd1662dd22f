import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a running `wolfe serve` (WOLFE_URL,
// default http://127.0.0.1:8080), so the UI can be worked on with hot reload.
const api = process.env.WOLFE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2022',
    // The editor (CodeMirror) is its own chunk, loaded when first opened.
    chunkSizeWarningLimit: 600,
    // scripts/check-size.mjs reads which chunks a first visit loads.
    manifest: true,
  },
  server: {
    proxy: { '/api': api, '/healthz': api },
  },
});
