/**
 * A test world for retention: one database holding the tables behind each seed promise,
 * the program that describes them, and helpers to insert rows at chosen ages. Used by the
 * engine tests and the benchmark; runs on PostgreSQL, MariaDB and SQLite.
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadProgramFromBundle, type Program } from '../../program/load-program.ts';
import type { RetentionRule } from '../../program/retention-rule.ts';

export type Engine = 'postgres' | 'mysql' | 'sqlite';

const field = (name: string, extra: Record<string, unknown> = {}) => ({ name, ...extra });
const pk = (name = 'id') => field(name, { fides_meta: { primary_key: true } });
const ref = (name: string, target: string, extra: Record<string, unknown> = {}) =>
  field(name, { fides_meta: { references: [{ dataset: 'app', field: target, direction: 'to' }], ...extra } });
const email = (name = 'email') =>
  field(name, { data_categories: ['user.contact.email'], fides_meta: { identity: 'email' } });

export const appDataset = {
  fides_key: 'app',
  collections: [
    {
      name: 'recordings',
      fields: [pk(), field('account_id'), field('created_at'), field('duration_s'), email('viewer_email')],
    },
    {
      name: 'accounts',
      fields: [
        pk(),
        email(),
        field('name', { data_categories: ['user.name'] }),
        field('last_access_at'),
        field('plan'),
      ],
    },
    {
      name: 'subscriptions',
      fields: [
        pk(),
        ref('account_id', 'accounts.id'),
        email('billing_email'),
        field('holder_name', { data_categories: ['user.name'] }),
        field('amount'),
        field('status'),
        field('expires_at'),
      ],
    },
    {
      name: 'contracts',
      fields: [
        pk(),
        field('contact_name', { data_categories: ['user.name'] }),
        field('value'),
        field('terminated_at'),
      ],
    },
    { name: 'subscribers', fields: [pk(), email(), field('signed_up_at')] },
    {
      name: 'campaign_deliveries',
      fields: [pk(), ref('subscriber_id', 'subscribers.id'), field('sent_at'), field('opened_at')],
    },
    { name: 'contacts', fields: [pk(), email(), field('created_at'), field('last_action_at')] },
    { name: 'clicks', fields: [pk(), ref('contact_id', 'contacts.id'), field('url'), field('clicked_at')] },
    {
      name: 'visits',
      fields: [
        pk(),
        field('visited_at'),
        field('ip', { data_categories: ['user.device.ip_address'] }),
        field('page'),
      ],
    },
    // Per-tenant keys: order ids repeat across accounts, so the key is (account_id, id).
    {
      name: 'tenant_orders',
      fields: [
        pk('account_id'),
        pk('id'),
        field('placed_at'),
        email('buyer_email'),
        field('buyer_name', { data_categories: ['user.name'] }),
        field('total'),
      ],
    },
    {
      name: 'tenant_order_lines',
      fields: [
        ref('account_id', 'tenant_orders.account_id', { primary_key: true }),
        ref('order_id', 'tenant_orders.id', { primary_key: true }),
        pk('line_no'),
        field('sku'),
      ],
    },
    // A log table with no key at all.
    { name: 'audit_trail', fields: [email('actor_email'), field('happened_at')] },
  ],
};

export function ddl(engine: Engine): string[] {
  const ts = engine === 'postgres' ? 'timestamp' : engine === 'mysql' ? 'datetime(3)' : 'text';
  const id = 'bigint PRIMARY KEY';
  return [
    `CREATE TABLE recordings (id ${id}, account_id bigint, created_at ${ts} NOT NULL, duration_s integer NOT NULL, viewer_email varchar(200))`,
    `CREATE TABLE accounts (id ${id}, email varchar(200), name varchar(200), last_access_at ${ts}, plan varchar(40))`,
    `CREATE TABLE subscriptions (id ${id}, account_id bigint REFERENCES accounts(id), billing_email varchar(200), holder_name varchar(200), amount integer NOT NULL, status varchar(20) NOT NULL, expires_at ${ts})`,
    `CREATE TABLE contracts (id ${id}, contact_name varchar(200), value integer, terminated_at ${ts})`,
    `CREATE TABLE subscribers (id ${id}, email varchar(200), signed_up_at ${ts} NOT NULL)`,
    `CREATE TABLE campaign_deliveries (id ${id}, subscriber_id bigint NOT NULL REFERENCES subscribers(id), sent_at ${ts} NOT NULL, opened_at ${ts})`,
    `CREATE TABLE contacts (id ${id}, email varchar(200), created_at ${ts} NOT NULL, last_action_at ${ts})`,
    `CREATE TABLE clicks (id ${id}, contact_id bigint NOT NULL REFERENCES contacts(id), url varchar(200), clicked_at ${ts} NOT NULL)`,
    `CREATE TABLE visits (id ${id}, visited_at ${ts} NOT NULL, ip varchar(60), page varchar(200))`,
    `CREATE TABLE tenant_orders (account_id bigint NOT NULL, id bigint NOT NULL, placed_at ${ts} NOT NULL, buyer_email varchar(200), buyer_name varchar(200), total integer NOT NULL, PRIMARY KEY (account_id, id))`,
    `CREATE TABLE tenant_order_lines (account_id bigint NOT NULL, order_id bigint NOT NULL, line_no integer NOT NULL, sku varchar(40), PRIMARY KEY (account_id, order_id, line_no), FOREIGN KEY (account_id, order_id) REFERENCES tenant_orders (account_id, id))`,
    `CREATE TABLE audit_trail (actor_email varchar(200), happened_at ${ts} NOT NULL)`,
  ];
}

/** The rules behind the seed promises, over the `app` dataset. */
export const seedRules: RetentionRule[] = [
  rule('iris-recordings', 'recordings', { older_than: { field: 'created_at', period: 'P90D' } }),
  rule('inactive-accounts', 'accounts', { older_than: { field: 'last_access_at', period: 'P1Y' } }),
  {
    ...rule('expired-subscriptions', 'subscriptions', {
      older_than: { field: 'expires_at', period: 'P30D' },
    }),
    except: [{ field: 'status', equals: 'active' }],
  },
  rule('terminated-contracts', 'contracts', { older_than: { field: 'terminated_at', period: 'P5Y' } }),
  rule('lapsed-subscribers', 'subscribers', {
    all: [
      { older_than: { field: 'signed_up_at', period: 'P5Y' } },
      {
        related: {
          collection: 'campaign_deliveries',
          last: 5,
          order_by: 'sent_at',
          none: { field: 'opened_at', is_null: false },
        },
      },
    ],
  }),
  rule('unengaged-contacts', 'contacts', {
    latest_older_than: {
      fields: ['created_at', 'last_action_at'],
      related: [{ collection: 'clicks', field: 'clicked_at' }],
      period: 'P3Y',
    },
  }),
  rule('visitor-data', 'visits', { older_than: { field: 'visited_at', period: 'P3M' } }),
  rule('tenant-orders', 'tenant_orders', { older_than: { field: 'placed_at', period: 'P1Y' } }),
];

function rule(key: string, collection: string, when: RetentionRule['when']): RetentionRule {
  return {
    key,
    target: { dataset: 'app', collection },
    when,
    action: 'delete',
    schedule: '0 3 * * *',
    batch_size: 2,
  };
}

/**
 * The program for the world, with `rules` (default: the seed rules), where the database is
 * (the env var holding its URL, or the SQLite file) and any other top-level program keys.
 */
export function worldProgram(
  engine: Engine,
  rules: RetentionRule[] = seedRules,
  where = 'APP_DB_URL',
  extra: Record<string, unknown> = {},
  dataset: unknown = appDataset,
): Program {
  const result = loadProgramFromBundle({
    program: {
      organization: {
        name: 'Retention Test Ltd',
        contacts: { privacy: { email: 'privacy@example.com' } },
        supervisory_authority: { name: 'ICO' },
      },
      jurisdictions: [{ code: 'gdpr' }],
      datasets: [],
      systems: [
        {
          key: 'app',
          name: 'Application database',
          datasets: ['app'],
          connection: engine === 'sqlite' ? { type: engine, path: where } : { type: engine, url_env: where },
          customer_link: { dataset: 'app', field: 'recordings.account_id' },
        },
      ],
      retention_rules: rules,
      rights: { offered: ['erasure'] },
      ...extra,
    },
    datasets: [dataset],
  });
  if (!result.ok) throw new Error(`test program invalid: ${JSON.stringify(result.issues)}`);
  return result.program;
}

/** A plain SQL client for arranging and inspecting the world. */
export interface WorldClient {
  exec(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Inserts rows; `?` placeholders in both dialects. */
  insert(table: string, rows: Record<string, unknown>[]): Promise<void>;
  ids(table: string): Promise<number[]>;
  close(): Promise<void>;
}

export async function worldClient(engine: Engine, url: string): Promise<WorldClient> {
  if (engine === 'sqlite') {
    const db = new DatabaseSync(url);
    // A sweep in another process may hold the write lock for a moment.
    db.exec('PRAGMA busy_timeout = 5000');
    // Dates are kept as ISO 8601 text, as the request engine writes them.
    const bind = (v: unknown): SQLInputValue =>
      v instanceof Date ? v.toISOString() : v === undefined ? null : (v as SQLInputValue);
    const exec = async (text: string, params: unknown[] = []) => {
      const statement = db.prepare(text);
      if (statement.columns().length) return statement.all(...params.map(bind)) as Record<string, unknown>[];
      statement.run(...params.map(bind));
      return [];
    };
    return world(exec, async () => db.close());
  }
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`SET TIME ZONE 'UTC'`);
    const exec = async (text: string, params: unknown[] = []) => {
      let i = 0;
      return (
        await client.query(
          text.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows;
    };
    return world(exec, () => client.end());
  }
  const conn = await mysql.createConnection({ uri: url, timezone: 'Z' });
  await conn.query(`SET time_zone = '+00:00'`);
  const exec = async (text: string, params: unknown[] = []) => {
    const [rows] = await conn.query(text, params);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  };
  return world(exec, () => conn.end());
}

function world(
  exec: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  close: () => Promise<void>,
): WorldClient {
  return {
    exec,
    async insert(table, rows) {
      // Rows with the same columns go together, a few hundred per statement.
      for (let i = 0; i < rows.length; ) {
        const cols = Object.keys(rows[i] as object);
        const sig = cols.join();
        const group: Record<string, unknown>[] = [];
        while (i < rows.length && group.length < 200 && Object.keys(rows[i] as object).join() === sig) {
          group.push(rows[i] as Record<string, unknown>);
          i++;
        }
        const tuple = `(${cols.map(() => '?').join(', ')})`;
        await exec(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${group.map(() => tuple).join(', ')}`,
          group.flatMap((row) => cols.map((c) => row[c])),
        );
      }
    },
    async ids(table) {
      return (await exec(`SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id));
    },
    close,
  };
}

/** `now` minus whole days (and optional extra milliseconds), for placing rows at an age. */
export function daysBefore(now: Date, days: number, ms = 0): Date {
  return new Date(now.getTime() - days * 86_400_000 - ms);
}

/** Writes the world program to `dir` as custodian.yaml + datasets/app.yml (JSON is valid YAML). */
export async function writeWorldProgram(
  dir: string,
  engine: Engine,
  rules: RetentionRule[] = seedRules,
  where = 'APP_DB_URL',
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const program = worldProgram(engine, rules, where, extra);
  await mkdir(`${dir}/datasets`, { recursive: true });
  await writeFile(
    `${dir}/custodian.yaml`,
    JSON.stringify({ ...program.doc, datasets: ['datasets/*.yml'] }, null, 2),
  );
  await writeFile(`${dir}/datasets/app.yml`, JSON.stringify({ dataset: [appDataset] }, null, 2));
}
