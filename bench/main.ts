/**
 * Benchmarks: `npm run bench -- <name> [options]` runs bench/<name>.ts with the options.
 * Each bench writes its own section of BENCHMARKS.md and leaves the others alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches: Record<string, string> = {
  console: 'console list and search calls on 100k requests and 1M consent events, versus hand-written SQL',
  consent: 'decision API req/s vs a bare Hono server, durable ledger writes/s, banner size',
  dsr: 'DSR access and erasure against PostgreSQL, versus hand-written SQL',
  retention: 'retention sweep of 1M of 5M rows in PostgreSQL, versus a hand-written batched DELETE',
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !benches[name]) {
  console.error(
    `usage: npm run bench -- <name> [options]\n\n${Object.entries(benches)
      .map(([k, v]) => `  ${k.padEnd(10)} ${v}`)
      .join('\n')}`,
  );
  process.exit(name ? 2 : 1);
}
const file = new URL(`./${name}.ts`, import.meta.url).pathname;
if (!existsSync(file)) {
  console.error(`bench/${name}.ts is missing`);
  process.exit(2);
}
const result = spawnSync(process.execPath, [file, ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
