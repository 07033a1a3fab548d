/**
 * Child processes for multi-process tests: test/e2e/workers/*.ts are bundled with esbuild into
 * a temp folder (better-sqlite3 stays external, imported by absolute path), then run with node.
 * src/db/sqlite.ts require()s better-sqlite3 at run time, from wherever its bundle lies, so the
 * workers get NODE_PATH pointing at this checkout's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const crmBin = join(repoRoot, 'bin', 'crm');

const built = new Map<string, Promise<string>>();

export function bundleWorker(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const outfile = join(mkdtempSync(join(tmpdir(), 'crm-worker-')), `${name}.mjs`);
      await build({
        entryPoints: [join(repoRoot, 'test', 'e2e', 'workers', `${name}.ts`)],
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'warning',
        external: ['ink', 'react', 'react/jsx-runtime'],
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        plugins: [
          {
            name: 'native-by-path',
            setup(b) {
              b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: require.resolve('better-sqlite3'), external: true }));
            },
          },
        ],
      });
      return outfile;
    })();
    built.set(name, p);
  }
  return p;
}

/** Remove the bundles built by this test file (call in afterAll). */
export async function disposeWorkers(): Promise<void> {
  const files = await Promise.allSettled([...built.values()]);
  built.clear();
  for (const f of files) if (f.status === 'fulfilled') rmSync(dirname(f.value), { recursive: true, force: true });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: any[];
}

export interface Running {
  child: ChildProcess;
  lines: any[];
  /** Resolves with the first line matching pred. */
  waitFor(pred: (line: any) => boolean, timeoutMs?: number): Promise<any>;
  done: Promise<Finished>;
}

export function run(command: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(command, args, { env: { ...process.env, TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: any[] = [];
  const waiters: { pred: (l: any) => boolean; resolve: (l: any) => void }[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      let line: any = text;
      try {
        line = JSON.parse(text);
      } catch {
        // plain text line
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, lines })));
  return {
    child,
    lines,
    done,
    waitFor(pred, timeoutMs = 20000) {
      const hit = lines.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for a line; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void done.then((f) => reject(new Error(`process ended (${f.code ?? f.signal}) before the expected line; stderr: ${f.stderr}`)));
      });
    },
  };
}

export async function runWorker(name: string, args: string[], env: Record<string, string> = {}): Promise<Running> {
  return run(process.execPath, [await bundleWorker(name), ...args], { NODE_PATH: join(repoRoot, 'node_modules'), ...env });
}

export function runCrm(args: string[], env: Record<string, string> = {}): Running {
  return run(process.execPath, [crmBin, ...args], env);
}
