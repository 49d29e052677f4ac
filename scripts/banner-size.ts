/**
 * Builds the consent banner and checks its size budget: JS (with its CSS, which ships inside
 * it) at most 6 KB gzipped. Exits 1 above budget. `node scripts/banner-size.ts [--json]`.
 */
import { bannerBundle } from '../src/consent/banner-bundle.ts';

const BUDGET = 6 * 1024;
const bundle = await bannerBundle();
const result = {
  bytes: bundle.bytes,
  gzipBytes: bundle.gzipBytes,
  budget: BUDGET,
  ok: bundle.gzipBytes <= BUDGET,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `banner.js: ${bundle.bytes} bytes, ${(bundle.gzipBytes / 1024).toFixed(2)} KB gzipped (budget ${BUDGET / 1024} KB) — ${result.ok ? 'within budget' : 'OVER BUDGET'}`,
  );
process.exit(result.ok ? 0 : 1);
