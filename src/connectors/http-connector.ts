import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Connector, Row } from './connector.ts';
import { SIGNATURE_HEADERS, signRequest } from './http-signature.ts';

export interface HttpConnectorOptions {
  url: string;
  secret: string;
  /** Attempts per call for network errors, 429 and 5xx (4xx other than 429 are not retried). */
  attempts?: number;
  /** First backoff delay; doubled on each retry. */
  backoffMs?: number;
  timeoutMs?: number;
  onRequest?: (body: unknown) => void;
}

const readResponse = z.object({ rows: z.array(z.record(z.string(), z.unknown())) });
const countResponse = z.object({ count: z.number().int().nonnegative() });
const describeResponse = z.object({
  collections: z.array(z.object({ collection: z.string(), columns: z.array(z.string()).nullable() })),
});

/**
 * A system without a database connection: Custodian POSTs signed JSON to the company's
 * endpoint (protocol in docs/http-connector.md) and gets rows or counts back.
 */
export function httpConnector(options: HttpConnectorOptions): Connector {
  const attempts = options.attempts ?? 4;
  const backoff = options.backoffMs ?? 200;

  async function call<T>(payload: Record<string, unknown>, schema: z.ZodType<T>, idempotencyKey?: string) {
    const body = JSON.stringify({ version: 1, ...payload });
    options.onRequest?.(payload);
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let retry = true;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signRequest(options.secret, body),
            ...(idempotencyKey ? { [SIGNATURE_HEADERS.idempotencyKey]: idempotencyKey } : {}),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        const text = await response.text();
        if (response.ok) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            throw new AppError('unavailable', `${options.url} answered ${payload.action} with non-JSON`);
          }
          const parsed = schema.safeParse(json);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new AppError(
              'unavailable',
              `${options.url} answered ${payload.action} with an unexpected body at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
            );
          }
          return parsed.data;
        }
        last = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        retry = response.status === 429 || response.status >= 500;
        if (!retry) {
          throw new AppError(
            response.status === 401 ? 'unauthorized' : 'bad_request',
            `${options.url}: ${last}`,
          );
        }
      } catch (err) {
        if (err instanceof AppError) throw err;
        last = (err as Error).message;
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
    }
    throw new AppError(
      'unavailable',
      `${options.url}: ${payload.action} failed after ${attempts} attempts: ${last}`,
    );
  }

  const target = (c: { dataset: string; collection: string }) => ({
    dataset: c.dataset,
    collection: c.collection,
  });
  /** The protocol names rows by key; a collection without one cannot be written through it. */
  const keyed = (request: { collection: { collection: string }; match?: unknown }) => {
    if (request.match) {
      throw new AppError(
        'validation_failed',
        `${options.url}: ${request.collection.collection} declares no primary key, and the HTTP callback changes rows by key; declare the key column(s) with fides_meta.primary_key`,
      );
    }
  };
  return {
    kind: 'http',
    async ping() {
      await call({ action: 'ping' }, z.object({}).passthrough());
    },
    async describe(collections) {
      const { collections: found } = await call(
        { action: 'describe', collections: collections.map(target) },
        describeResponse,
      );
      return collections.map((ref) => ({
        collection: ref,
        columns: found.find((f) => f.collection === ref.collection)?.columns ?? null,
      }));
    },
    async read(request) {
      const { rows } = await call(
        {
          action: 'read',
          collection: target(request.collection),
          columns: request.columns,
          where: request.where,
        },
        readResponse,
      );
      // The endpoint may send more than asked: keep only the declared columns.
      return rows.map((r) => Object.fromEntries(request.columns.map((c) => [c, r[c] ?? null])) as Row);
    },
    async update(request) {
      keyed(request);
      const { count } = await call(
        {
          action: 'update',
          collection: target(request.collection),
          key_columns: request.keyColumns,
          changes: request.changes,
        },
        countResponse,
        request.idempotencyKey,
      );
      return count;
    },
    async delete(request) {
      keyed(request);
      const { count } = await call(
        {
          action: 'delete',
          collection: target(request.collection),
          key_columns: request.keyColumns,
          keys: request.keys,
        },
        countResponse,
        request.idempotencyKey,
      );
      return count;
    },
    async close() {},
  };
}
