// Bundles src/ into dist/ with esbuild: one small entry chunk for start-up, lazily loaded
// chunks per noun. Native and TUI packages stay external (better-sqlite3 has a .node binary;
// ink/react load only for `crm tui`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * string-width builds an Intl.Segmenter when its module loads — ~15 ms of ICU set-up in every
 * command that prints anything, JSON included. Build it on first use instead. The build fails
 * if a new string-width no longer has that line, so the patch cannot silently stop applying.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = 'const segmenter = new Intl.Segmenter();';
      if (!source.includes(eager)) throw new Error(`scripts/build.mjs: ${args.path} changed; update the lazy-segmenter patch`);
      const lazy = 'let eagerSegmenter; const segmenter = { segment: (s) => (eagerSegmenter ??= new Intl.Segmenter()).segment(s) };';
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

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
  plugins: [lazySegmenter],
});
