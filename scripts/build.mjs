// Bundles src/ into dist/ with esbuild: one small entry chunk for start-up, lazily loaded
// chunks per noun. Native and TUI packages stay external (better-sqlite3 has a .node binary;
// ink/react load only for `crm tui`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts', 'src/csv/parse-worker.ts'],
  outdir: 'dist',
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['better-sqlite3', 'ink', 'react', 'react/jsx-runtime', 'ink-testing-library', 'yoga-layout'],
  // Bundled CommonJS dependencies call require(); give ESM chunks one.
  banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
  jsx: 'automatic',
});
