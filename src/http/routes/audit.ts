import type { Hono } from 'hono';
import { z } from 'zod';
import { anchorAuditLog, listAnchors } from '../../governance/anchor-audit.ts';
import { auditCsvHeader, auditCsvRow, iterateAudit, queryAudit } from '../../governance/query-audit.ts';
import { verifyAuditLog } from '../../governance/verify-audit.ts';
import { type AppEnv, route } from '../route.ts';

const filters = z.object({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  object: z.string().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

/**
 * The audit log is read-only through the API for everyone, owners included: there are
 * query, export, verify and anchor routes and no route that edits or deletes an entry.
 */
export function registerAuditRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/audit',
      summary: 'Query the audit log, newest first (keyset paging with `cursor`)',
      tag: 'governance',
      role: 'auditor',
      query: filters.extend({
        cursor: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    async ({ scope, query }) => queryAudit(scope, query, { limit: query.limit, cursor: query.cursor }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/audit/export',
      summary: 'Export matching audit entries as CSV or JSON (streamed)',
      tag: 'governance',
      role: 'auditor',
      query: filters.extend({ format: z.enum(['csv', 'json']).default('json') }),
    },
    async ({ scope, query, audit }) => {
      await audit({ action: 'audit.export', objectType: 'audit_log', details: { ...query } });
      const encoder = new TextEncoder();
      const rows = iterateAudit(scope, query);
      let first = true;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(query.format === 'csv' ? auditCsvHeader() : '['));
        },
        async pull(controller) {
          const next = await rows.next();
          if (next.done) {
            if (query.format === 'json') controller.enqueue(encoder.encode(']\n'));
            controller.close();
            return;
          }
          const text =
            query.format === 'csv'
              ? auditCsvRow(next.value)
              : `${first ? '\n' : ',\n'}${JSON.stringify(next.value)}`;
          first = false;
          controller.enqueue(encoder.encode(text));
        },
      });
      const type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json';
      return new Response(stream, {
        headers: {
          'content-type': type,
          'content-disposition': `attachment; filename="audit-log.${query.format}"`,
        },
      });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Re-compute the hash chain and check the signed anchors; names the first broken link',
      tag: 'governance',
      role: 'auditor',
    },
    async ({ scope }) => verifyAuditLog(scope),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/audit/anchors',
      summary: 'Signed chain heads (Ed25519) with their public key, for checking outside Custodian',
      tag: 'governance',
      role: 'auditor',
    },
    async ({ scope }) => ({ anchors: await listAnchors(scope) }),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/audit/anchors',
      summary: 'Sign the current head of the audit chain now',
      tag: 'governance',
      role: 'admin',
    },
    async ({ scope, services }) => {
      const anchor = await anchorAuditLog(scope, services.clock());
      return { anchor: anchor ?? null };
    },
  );
}
