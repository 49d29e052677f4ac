/**
 * The load generator for `bench/consent.ts`, run as a second process so it does not share
 * the event loop of the server it measures. Prints autocannon's result as JSON.
 * Usage: node bench/consent-load.ts <url-template> <seconds> <connections> [authorization] [subjects]
 */
import autocannon from 'autocannon';

const [template, seconds, connections, authorization, subjects] = process.argv.slice(2);
if (!template)
  throw new Error('usage: consent-load.ts <url-template> <seconds> <connections> [auth] [subjects]');
const count = Number(subjects ?? 1);
let i = 0;
const url = new URL(template.replace('{i}', '0'));
const result = await autocannon({
  url: url.origin,
  duration: Number(seconds ?? 10),
  connections: Number(connections ?? 50),
  headers: authorization ? { authorization } : {},
  requests: [
    {
      method: 'GET',
      setupRequest: (req) => {
        i = (i + 1) % count;
        const u = new URL(template.replace('{i}', String(i)));
        return { ...req, path: `${u.pathname}${u.search}` };
      },
    },
  ],
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  }),
);
