import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type Decision, type DecisionQuery, decideWithApiKey, maxQuestionsPerQuery } from './decide.ts';
import { subjectAddress } from './workspace-secret.ts';

interface Waiting {
  query: DecisionQuery;
  resolve(decision: Decision | undefined | 'fallback'): void;
  reject(error: unknown): void;
}

/** Questions waiting for the next flush, per store and per API key hash. */
const pending = new Map<Kysely<Database>, Map<string, Waiting[]>>();
let scheduled = false;

/**
 * The decision API's hot path under load: questions that arrive in the same turn of the
 * event loop with the same API key are answered by one query (the key, the program hash
 * and the facts of all their subjects). Nothing is cached: each question is read from the
 * database after it arrived, so a withdrawal or restriction committed before it counts.
 * Resolves to undefined for an unknown or revoked key and to `fallback` for e-mail
 * subjects, like `decideWithApiKey`.
 */
export function decideTogether(
  db: Kysely<Database>,
  keyHash: string,
  query: DecisionQuery,
): Promise<Decision | undefined | 'fallback'> {
  if (subjectAddress(query.subject) !== undefined) return Promise.resolve('fallback');
  return new Promise((resolve, reject) => {
    let byKey = pending.get(db);
    if (!byKey) {
      byKey = new Map();
      pending.set(db, byKey);
    }
    const group = byKey.get(keyHash);
    if (group) group.push({ query, resolve, reject });
    else byKey.set(keyHash, [{ query, resolve, reject }]);
    if (!scheduled) {
      scheduled = true;
      // setImmediate runs after the current poll phase: requests parsed from the same
      // batch of socket reads join one group.
      setImmediate(flush);
    }
  });
}

function flush(): void {
  scheduled = false;
  const groups = [...pending];
  pending.clear();
  for (const [db, byKey] of groups) {
    for (const [keyHash, waiting] of byKey) {
      for (let i = 0; i < waiting.length; i += maxQuestionsPerQuery)
        answerGroup(db, keyHash, waiting.slice(i, i + maxQuestionsPerQuery));
    }
  }
}

function answerGroup(db: Kysely<Database>, keyHash: string, waiting: Waiting[]): void {
  decideWithApiKey(
    db,
    keyHash,
    waiting.map((w) => w.query),
  ).then(
    (decisions) => {
      waiting.forEach((w, i) => {
        w.resolve(Array.isArray(decisions) ? decisions[i] : decisions);
      });
    },
    (error: unknown) => {
      for (const w of waiting) w.reject(error);
    },
  );
}
