// Bundles src/ into dist/ with esbuild: one small entry chunk for start-up, lazily loaded
// chunks per noun, as CommonJS files (bin/crm keeps a V8 code cache of each). Native and TUI
// packages stay external (better-sqlite3 has a .node binary; ink/react load only for `crm tui`).
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';

/** Packages that are ES modules only (with top-level await): loaded with import(), never bundled. */
const ESM_PACKAGES = ['ink', 'react', 'react/jsx-runtime', 'yoga-layout'];

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

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const stage = join(dist, '.esm');
rmSync(dist, { recursive: true, force: true });

// 1. Bundle and split as ES modules (esbuild splits no other format) into a staging folder.
await build({
  entryPoints: ['src/cli.ts', 'src/csv/parse-worker.ts', 'src/reports/sla/sla-worker.ts'],
  outdir: stage,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // pg (PostgreSQL) stays a package too: loaded with the postgres chunk only, for a postgres:// URL.
  external: [...ESM_PACKAGES, 'better-sqlite3', 'ink-testing-library', 'pg', 'pg-copy-streams'],
  jsx: 'automatic',
  plugins: [lazySegmenter],
});

// 2. Turn each chunk into CommonJS. Node 20 keeps no compiled code for ES modules and runs its
//    ES module loader (resolution by URL, asynchronous reads, linking) for every chunk; as
//    CommonJS, with the code cache bin/crm keeps (in ~/.cache/crm, never in dist/), a report starts ~20 ms sooner
//    and `crm --help` ~6 ms (bench/cases/startup.mjs). Chunks that import Ink or React (ES
//    modules with top-level await, which require() cannot load) stay ES modules, as does every
//    chunk that imports one of them; CommonJS chunks load those with import().
const chunks = readdirSync(stage).filter((f) => f.endsWith('.js'));
const source = new Map(chunks.map((f) => [f, readFileSync(join(stage, f), 'utf8')]));
const staticImports = (code) => [...code.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([\w.-]+\.js)";?$/gm)].map((m) => m[1]);
const esmPackage = new RegExp(`^import\\s[^;]*?from\\s*"(${ESM_PACKAGES.map((p) => p.replace('/', '\\/')).join('|')})"`, 'm');
const keepEsm = new Set(chunks.filter((f) => esmPackage.test(source.get(f))));
for (let grew = true; grew; ) {
  grew = false;
  for (const f of chunks) {
    if (!keepEsm.has(f) && staticImports(source.get(f)).some((d) => keepEsm.has(d))) {
      keepEsm.add(f);
      grew = true;
    }
  }
}
const outName = (f) => (keepEsm.has(f) ? f : f.replace(/\.js$/, '.cjs'));
await Promise.all(
  chunks.map(async (f) => {
    // Point imports at the final names; a CommonJS chunk loads another CommonJS chunk with
    // require() (import() would start the ES module loader), an ES module chunk with import().
    let code = source.get(f).replace(/(["'])\.\/([\w.-]+\.js)\1/g, (m, q, name) => (source.has(name) ? `${q}./${outName(name)}${q}` : m));
    if (!keepEsm.has(f)) code = code.replace(/\bimport\((["'])\.\/([\w.-]+\.cjs)\1\)/g, 'Promise.resolve().then(() => require("./$2"))');
    writeFileSync(join(stage, f), code);
    if (keepEsm.has(f)) {
      await build({
        entryPoints: [join(stage, f)],
        outfile: join(dist, f),
        format: 'esm',
        platform: 'node',
        target: 'node20',
        sourcemap: 'linked',
        logLevel: 'warning',
        // Bundled CommonJS dependencies call require(); give an ES module chunk one.
        banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
      });
    } else {
      await build({
        entryPoints: [join(stage, f)],
        outfile: join(dist, outName(f)),
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        sourcemap: 'linked',
        logLevel: 'warning',
        // import.meta.url, worked out only where it is read (a worker's path, createRequire).
        define: { 'import.meta.url': '__crmImportMeta.url' },
        banner: { js: "const __crmImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
      });
    }
  }),
);
rmSync(stage, { recursive: true, force: true });
