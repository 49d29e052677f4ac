/**
 * Runs every test (`*.test.ts` under src/, banner/ and web/) with Node's test runner.
 * Before running, says which real-server suites will run and which are skipped, and why.
 * Arguments narrow the run to paths: `npm test -- src/execution`.
 */
import { spawnSync } from 'node:child_process';
import { glob } from 'node:fs/promises';
import { mariadbUnavailable, postgresUnavailable } from '../src/testing/databases.ts';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const patterns = roots.length
  ? roots.map((r) => (r.endsWith('.ts') ? r : `${r.replace(/\/$/, '')}/**/*.test.ts`))
  : ['src/**/*.test.ts', 'banner/**/*.test.ts', 'web/**/*.test.ts'];

const files: string[] = [];
for (const pattern of patterns) {
  for await (const f of glob(pattern, { exclude: (p) => p.includes('node_modules') })) files.push(f);
}
files.sort();
if (files.length === 0) {
  console.error(`no test files match ${patterns.join(' ')}`);
  process.exit(1);
}

const [pgWhy, myWhy] = await Promise.all([postgresUnavailable(), mariadbUnavailable()]);
console.log('Real-server suites:');
console.log(`  PostgreSQL: ${pgWhy ? `SKIPPED — ${pgWhy}` : 'running (127.0.0.1:5432)'}`);
console.log(`  MariaDB:    ${myWhy ? `SKIPPED — ${myWhy}` : 'running (127.0.0.1:3306)'}`);
console.log(`${files.length} test files\n`);

const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=300000', ...flags, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
if (pgWhy || myWhy) {
  console.log('\nSkipped suites (see reasons above):');
  if (pgWhy) console.log(`  PostgreSQL-backed tests — ${pgWhy}`);
  if (myWhy) console.log(`  MariaDB-backed tests — ${myWhy}`);
}
process.exit(result.status ?? 1);
