/**
 * Loads the PostgreSQL engine (./connect.ts: pg, its pool, migrations) on demand. Imported by
 * the entry chunk, so it holds nothing but the import.
 *
 * pg 8 asks, as it loads, whether it runs on Cloudflare Workers; on Node 20, which has no
 * `navigator`, it does so by constructing a fetch `Response`, and that first touch loads all of
 * undici (Node's fetch): 15–40 ms on every PostgreSQL command for nothing. While pg loads,
 * `Response` is hidden, so the probe answers "not Cloudflare" at once; it is put back after.
 * (Node 21+ has `navigator`, and pg reads that instead.)
 */
export async function loadPostgresEngine(): Promise<typeof import('./connect.js')> {
  const g = globalThis as { navigator?: unknown };
  const response = g.navigator === undefined ? Object.getOwnPropertyDescriptor(globalThis, 'Response') : undefined;
  if (response) Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    return await import('./connect.js');
  } finally {
    if (response) Object.defineProperty(globalThis, 'Response', response);
  }
}
