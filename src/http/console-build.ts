import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's sources (`web/`) and where its build goes (`web/dist`). */
export const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
export const consoleDist = path.join(webRoot, 'dist');

async function newestSourceTime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    // Tests next to the console do not end up in the bundle.
    if (entry.name.endsWith('.test.ts')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSourceTime(full));
    else newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

/**
 * Why the console needs building: `missing` (no web/dist), `stale` (a source is newer
 * than the build), or undefined when the build is current or there are no sources to build.
 */
export async function consoleBuildNeeded(): Promise<'missing' | 'stale' | undefined> {
  const built = await stat(path.join(consoleDist, 'index.html')).catch(() => undefined);
  const sources = await stat(path.join(webRoot, 'src')).catch(() => undefined);
  if (!sources) return undefined;
  if (!built) return 'missing';
  return (await newestSourceTime(webRoot)) > built.mtimeMs ? 'stale' : undefined;
}

/**
 * Builds the console with Vite's JS API into a fresh folder, then swaps it in, so a
 * server never serves a half-written build. Vite is a development dependency: a
 * production install without it serves the build that is already there.
 */
export async function buildConsole(log: (line: string) => void = () => undefined): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(
      'the console is not built and Vite is not installed: run `npm install`, then `npm run build:web`',
    );
  }
  const started = Date.now();
  const outDir = path.join(webRoot, `.dist-${process.pid}-${started}`);
  try {
    await vite.build({
      configFile: path.join(webRoot, 'vite.config.ts'),
      root: webRoot,
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    await rm(consoleDist, { recursive: true, force: true });
    await rename(outDir, consoleDist);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  log(`Built the console in ${((Date.now() - started) / 1000).toFixed(1)} s (web/dist)`);
}

let pending: Promise<void> | undefined;

/**
 * Builds the console once per process when web/dist is missing or older than its
 * sources; concurrent callers share the one build.
 */
export function ensureConsoleBuilt(log?: (line: string) => void): Promise<void> {
  pending ??= (async () => {
    const why = await consoleBuildNeeded();
    if (why) {
      log?.(`The console build is ${why}; building it now…`);
      await buildConsole(log);
    }
  })().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
