import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Hono } from 'hono';
import { getCurrentProgram } from '../../program/current-program.ts';
import { lintProgram } from '../../program/lint/lint-program.ts';
import { consoleDist, ensureConsoleBuilt } from '../console-build.ts';
import { type AppEnv, route } from '../route.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function consoleUnavailable(c: Context<AppEnv>, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return c.html(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Console unavailable</title>
<main style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>The console could not be prepared</h1>
<p>${message.replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p></main></html>`,
    503,
  );
}

async function serveFile(c: Context<AppEnv>, relative: string): Promise<Response | undefined> {
  const file = path.resolve(consoleDist, relative);
  // Only files inside the build; `..` in a URL never reaches the rest of the disk.
  if (!file.startsWith(consoleDist + path.sep)) return undefined;
  const body = await readFile(file).catch(() => undefined);
  if (!body) return undefined;
  const ext = path.extname(file);
  // Vite puts a content hash in every asset name, so assets never change under one URL.
  const cache = relative.startsWith('assets/')
    ? 'public, max-age=31536000, immutable'
    : ext === '.html'
      ? 'no-cache'
      : 'public, max-age=300';
  return c.body(new Uint8Array(body), 200, {
    'content-type': types[ext] ?? 'application/octet-stream',
    'cache-control': cache,
  });
}

/**
 * The console: the built React app at /console (any path under it falls back to the
 * app's index.html so deep links work), and the lint report the data map shows.
 */
export function registerConsoleRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/programs/current/lint',
      summary: 'Lint findings of the current program (the checks `custodian lint` runs)',
      tag: 'program',
      role: 'auditor',
    },
    async ({ scope }) => {
      const { version, program } = await getCurrentProgram(scope);
      const { findings, counts } = lintProgram(program);
      return { version, findings, counts };
    },
  );

  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/*', async (c) => {
    try {
      await ensureConsoleBuilt((line) => console.log(line));
    } catch (error) {
      return consoleUnavailable(c, error);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(c.req.path.slice('/console/'.length));
    } catch {
      return c.text('malformed path', 400);
    }
    if (relative && relative !== 'index.html') {
      const file = await serveFile(c, relative);
      if (file) return file;
      // A missing asset is a real 404; only page paths fall back to the app.
      if (relative.startsWith('assets/') || path.extname(relative))
        return c.text(`no console file ${relative}`, 404);
    }
    const index = await serveFile(c, 'index.html');
    return (
      index ?? consoleUnavailable(c, new Error('web/dist/index.html is missing: run `npm run build:web`'))
    );
  });
}
