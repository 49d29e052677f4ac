import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../errors.ts';
import type { RowChange } from './connector.ts';
import { type Store, stores } from './testing/sql-stores.ts';

const ROWS = 300;
const ids = Array.from({ length: ROWS }, (_, i) => i + 1);

/** Tables `people_<suffix>` (one key) and `devices_<suffix>` (two-column key), filled alike. */
async function createTables(store: Store, suffix: string, json: string) {
  await store.exec(
    `CREATE TABLE people_${suffix} (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, visits INTEGER, profile ${json}, untouched VARCHAR(20))`,
  );
  await store.exec(
    `CREATE TABLE devices_${suffix} (owner INTEGER NOT NULL, slot VARCHAR(10) NOT NULL, label VARCHAR(100), PRIMARY KEY (owner, slot))`,
  );
  await store.exec(
    `INSERT INTO people_${suffix} VALUES ${ids
      .map((id) => `(${id}, 'person${id}@example.com', ${id}, '{"phone":"+1 ${id}","theme":"dark"}', 'KEEP')`)
      .join(', ')}`,
  );
  await store.exec(
    `INSERT INTO devices_${suffix} VALUES ${ids.map((id) => `(${id % 7}, 's${id}', 'device ${id}')`).join(', ')}`,
  );
}

/** What an erasure with hash and random strategies plans: a value of its own for every row. */
const peopleChanges: RowChange[] = ids.map((id) => ({
  key: [id],
  assignments: [
    { column: 'email', path: [], value: `h${(id * 7919).toString(16)}` },
    // A number given as text, and null, as a rectification or a null strategy may write.
    { column: 'visits', path: [], value: id % 3 === 0 ? null : String(id * 10) },
    { column: 'profile', path: ['phone'], value: id % 5 === 0 ? null : `r${id}` },
  ],
}));
const deviceChanges: RowChange[] = ids.map((id) => ({
  key: [id % 7, `s${id}`],
  assignments: [{ column: 'label', path: [], value: `device-${id}-masked` }],
}));

const updates = (queries: string[]) => queries.filter((q) => q.startsWith('UPDATE')).length;

for (const { name, skip, open } of stores) {
  describe(`${name} connector writes`, { skip: await skip }, () => {
    test('rows with values of their own are written in one statement per chunk, with the same result as row by row', async () => {
      const store = await open();
      try {
        const json = name === 'PostgreSQL' ? 'jsonb' : name === 'MariaDB' ? 'JSON' : 'TEXT';
        await createTables(store, 'batched', json);
        await createTables(store, 'single', json);
        const batchedQueries: string[] = [];
        const singleQueries: string[] = [];
        const batched = store.connector((sql) => batchedQueries.push(sql));
        const single = store.connector((sql) => singleQueries.push(sql));
        const ref = (table: string) => ({ dataset: 'app', collection: table });

        assert.equal(
          await batched.update({
            collection: ref('people_batched'),
            keyColumns: ['id'],
            changes: peopleChanges,
          }),
          ROWS,
        );
        assert.equal(
          await batched.update({
            collection: ref('devices_batched'),
            keyColumns: ['owner', 'slot'],
            changes: deviceChanges,
          }),
          ROWS,
        );
        // The same changes one row at a time: every statement then writes one row's values.
        for (const change of peopleChanges) {
          await single.update({ collection: ref('people_single'), keyColumns: ['id'], changes: [change] });
        }
        for (const change of deviceChanges) {
          await single.update({
            collection: ref('devices_single'),
            keyColumns: ['owner', 'slot'],
            changes: [change],
          });
        }

        // 300 rows: two statements per collection (250 and 50; SQLite 200 and 100) instead of 300.
        assert.equal(updates(batchedQueries), 4, batchedQueries.join('\n').slice(0, 2000));
        assert.equal(updates(singleQueries), 2 * ROWS);
        // One transaction per collection.
        assert.equal(batchedQueries.filter((q) => q === 'COMMIT').length, 2);

        const people = (suffix: string) => store.select(`SELECT * FROM people_${suffix} ORDER BY id`);
        const devices = (suffix: string) =>
          store.select(`SELECT * FROM devices_${suffix} ORDER BY owner, slot`);
        const batchedPeople = await people('batched');
        assert.deepEqual(batchedPeople, await people('single'));
        assert.deepEqual(await devices('batched'), await devices('single'));

        // And the values are the planned ones, members set in place, the rest left alone.
        const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
        const row = (id: number) => batchedPeople.find((r) => Number(r.id) === id)!;
        assert.equal(row(10).email, `h${(10 * 7919).toString(16)}`);
        assert.equal(row(10).visits, 100);
        assert.equal(row(9).visits, null);
        assert.deepEqual(parse(row(10).profile), { phone: null, theme: 'dark' });
        assert.deepEqual(parse(row(11).profile), { phone: 'r11', theme: 'dark' });
        assert.ok(batchedPeople.every((r) => r.untouched === 'KEEP'));
      } finally {
        await store.close();
      }
    });

    test('rows that get the same values still share one statement; a failing row fails the whole collection', async () => {
      const store = await open();
      try {
        await createTables(store, 't', name === 'PostgreSQL' ? 'jsonb' : 'TEXT');
        const queries: string[] = [];
        const connector = store.connector((sql) => queries.push(sql));
        const collection = { dataset: 'app', collection: 'people_t' };
        const same = ids.map((id) => ({
          key: [id],
          assignments: [{ column: 'untouched', path: [], value: 'REDACTED' }],
        }));
        assert.equal(await connector.update({ collection, keyColumns: ['id'], changes: same }), ROWS);
        assert.equal(updates(queries), name === 'SQLite' ? 2 : 1); // SQLite: 200 rows a statement

        // Row 150 would get a null email (NOT NULL): nothing of the collection is written.
        const before = await store.select('SELECT id, email FROM people_t ORDER BY id');
        const changes = ids.map((id) => ({
          key: [id],
          assignments: [{ column: 'email', path: [], value: id === 150 ? null : `masked${id}` }],
        }));
        await assert.rejects(
          connector.update({ collection, keyColumns: ['id'], changes }),
          (err: unknown) => {
            assert.ok(isAppError(err));
            if (name !== 'SQLite') assert.equal(err.code, 'conflict');
            assert.match(
              err.message,
              new RegExp(`^${name === 'MariaDB' ? 'MySQL' : name} people_t: update failed`),
            );
            return true;
          },
        );
        assert.deepEqual(await store.select('SELECT id, email FROM people_t ORDER BY id'), before);
      } finally {
        await store.close();
      }
    });
  });
}
