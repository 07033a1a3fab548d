// Bundles src/ into dist/ with esbuild: one small entry chunk for start-up, lazily loaded
// chunks per noun, as CommonJS files (bin/crm keeps a V8 code cache of each). The native package
// stays external (better-sqlite3 has a .node binary); ink/react are bundled into the TUI's chunk.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';

/**
 * Packages loaded with import(), never bundled. None now: Ink, React and yoga-layout are bundled
 * into the TUI's chunk and compiled from the code cache like every other chunk (`crm tui` used to
 * spend most of its first second resolving and compiling them as ES modules). Their two
 * top-level awaits, which CommonJS cannot hold, are rewritten by `syncInk` below.
 */
const ESM_PACKAGES = [];

/**
 * yoga-layout instantiates its WebAssembly with a top-level `await loadYoga()`; Ink's reconciler
 * has `await import('./devtools.js')` when DEV is set. Instantiate the wasm synchronously (the
 * bytes are in the module as base64; Emscripten's `instantiateWasm` hook takes a synchronous
 * instance) and leave the React devtools out of the bundle. The build fails if either source
 * no longer has the text patched.
 */
const syncInk = {
  name: 'sync-ink',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const tla = 'const Yoga = wrapAssembly(await loadYoga());';
      if (!source.includes(tla)) throw new Error(`scripts/build.mjs: ${args.path} changed; update the sync-ink patch`);
      const wasm = await readFile(join(args.path, '..', '..', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
      const base64 = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(wasm)?.[1];
      if (!base64) throw new Error('scripts/build.mjs: no base64 wasm in yoga-layout; update the sync-ink patch');
      const sync = [
        "import loadYogaImpl from '../binaries/yoga-wasm-base64-esm.js';",
        `const yogaModule = { instantiateWasm(imports, done) { const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(${JSON.stringify(base64)}, 'base64')), imports); done(instance); return instance.exports; } };`,
        'loadYogaImpl(yogaModule);',
        'const Yoga = wrapAssembly(yogaModule);',
      ].join('\n');
      return { contents: source.replace(tla, sync).replace(/^import \{ loadYoga \} from .*$/m, ''), loader: 'js', resolveDir: join(args.path, '..') };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const tla = "await import('./devtools.js');";
      const pkg = /const packageJson = isDev\(\)\s*\?\s*await loadPackageJson\(\)\s*:/;
      if (!source.includes(tla)) throw new Error(`scripts/build.mjs: ${args.path} changed; update the sync-ink patch`);
      if (!pkg.test(source)) throw new Error(`scripts/build.mjs: ${args.path} changed; update the sync-ink patch`);
      const contents = source
        .replace(tla, "throw Object.assign(new Error('React devtools are not in the crm build'), { code: 'ERR_MODULE_NOT_FOUND' });")
        // The package's name and version are read (asynchronously) only for the devtools.
        .replace(pkg, 'const packageJson = false ? undefined :');
      return { contents, loader: 'js', resolveDir: join(args.path, '..') };
    });
  },
};

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

/**
 * Node modules that commands load but seldom use, required on first use instead of at start-up:
 * commander's child_process (with net and dgram; only for executable subcommands, which crm has
 * none of) in every command, and pg's crypto (~2–6 ms; only for md5 or SCRAM authentication) in
 * every PostgreSQL command. The build fails if a new version no longer has the line patched.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const patches = [
      {
        filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
        edits: [["const childProcess = require('node:child_process');", "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"]],
      },
      {
        filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]crypto[\\/]utils\.js$/,
        edits: [
          ["const nodeCrypto = require('crypto')", "const nodeCrypto = { get webcrypto() { return require('crypto').webcrypto }, createHash: (...args) => require('crypto').createHash(...args) }"],
          ['const webCrypto = nodeCrypto.webcrypto || globalThis.crypto', 'const webCrypto = { get subtle() { return (nodeCrypto.webcrypto || globalThis.crypto).subtle }, getRandomValues: (array) => (nodeCrypto.webcrypto || globalThis.crypto).getRandomValues(array) }'],
          ['const subtleCrypto = webCrypto.subtle', 'const subtleCrypto = new Proxy({}, { get: (_, name) => { const subtle = webCrypto.subtle; return subtle[name].bind(subtle) } })'],
        ],
      },
    ];
    for (const { filter, edits } of patches) {
      b.onLoad({ filter }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const [eager, lazy] of edits) {
          if (!source.includes(eager)) throw new Error(`scripts/build.mjs: ${args.path} changed; update the lazy-builtins patch`);
          source = source.replace(eager, lazy);
        }
        return { contents: source, loader: 'js' };
      });
    }
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
  // pg (PostgreSQL) is bundled into the postgres chunk, loaded only for a postgres:// URL, and so
  // compiled from the code cache like our own code (as a package, its ~25 files were resolved and
  // compiled on every PostgreSQL command). pg-native is pg's optional libpq binding, required
  // only if asked for (pg.native), which crm never does; pg-copy-streams loads for an import only.
  external: [...ESM_PACKAGES, 'better-sqlite3', 'ink-testing-library', 'pg-native', 'pg-copy-streams', 'react-devtools-core'],
  jsx: 'automatic',
  plugins: [lazySegmenter, lazyBuiltins, syncInk],
  // React and its reconciler in their production builds (only the TUI's chunk reads NODE_ENV):
  // half the code to compile, and no development-only checks on every render.
  define: { 'process.env.NODE_ENV': '"production"' },
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
    // Kysely's FileMigrationProvider (bundled with kysely, never used: crm's migrations are
    // modules it imports statically) has `await import(path)`; one real import() costs the whole
    // database chunk its code cache (bin/crm compiles such a chunk as usual), ~25 ms on every
    // command. As CommonJS it loads with require() like everything else here.
    if (!keepEsm.has(f)) code = code.replace(/\bimport\(\s*\/\* webpackIgnore: true \*\//g, '((p) => Promise.resolve().then(() => require(p)))(');
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
