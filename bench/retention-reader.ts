/** Point-read load for the retention benchmark, on its own thread: random primary-key reads until told to stop. */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

const { url, table, readers, low, high } = workerData as {
  url: string;
  table: string;
  readers: number;
  low: number;
  high: number;
};
const pool = new pg.Pool({ connectionString: url, max: readers });
const latencies: number[] = [];
let stop = false;
parentPort?.once('message', () => {
  stop = true;
});
await Promise.all(
  Array.from({ length: readers }, async () => {
    while (!stop) {
      const id = low + Math.floor(Math.random() * (high - low + 1));
      const t0 = performance.now();
      await pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      latencies.push(performance.now() - t0);
    }
  }),
);
await pool.end();
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
parentPort?.postMessage({ reads: latencies.length, p50: at(0.5), p99: at(0.99) });
