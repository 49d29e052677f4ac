/** Point-read load for the retention benchmark, on its own thread: random primary-key reads until told to stop. */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

const { url, table, readers, low, high, rate } = workerData as {
  url: string;
  table: string;
  readers: number;
  low: number;
  high: number;
  /** Reads per second over all readers: a fixed load, so every sweep faces the same traffic. */
  rate: number;
};
const gap = (1000 * readers) / rate;
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
      const took = performance.now() - t0;
      latencies.push(took);
      if (took < gap) await new Promise((r) => setTimeout(r, gap - took));
    }
  }),
);
await pool.end();
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
parentPort?.postMessage({ reads: latencies.length, p50: at(0.5), p99: at(0.99) });
