import type { Hono } from 'hono';
import { z } from 'zod';
import { consentStats } from '../../consent/consent-stats.ts';
import { findSuppression } from '../../consent/find-suppression.ts';
import { addressHash, workspaceSecret } from '../../consent/workspace-secret.ts';
import { type AppEnv, route } from '../route.ts';

/** Console reads of the consent domain: opt-in rates over time and suppression search. */
export function registerConsentStatsRoutes(app: Hono<AppEnv>): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/consent/stats',
      summary: 'Opt-ins and opt-outs per consent notice per UTC day, from the consent ledger',
      tag: 'consent',
      role: 'auditor',
      query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
    },
    async ({ scope, query, services }) => consentStats(scope, { days: query.days, now: services.clock() }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/suppressions',
      summary:
        'Whether an address is on the suppression list (matched by keyed hash), since when, lists and source; the lookup is audited',
      tag: 'subscriptions',
      role: 'auditor',
      query: z.object({ address: z.email().max(320) }),
    },
    async ({ scope, query, audit }) => {
      const found = await findSuppression(scope, query.address);
      // The audit entry names the keyed hash, not the address: the log outlives the person.
      const hash = addressHash(await workspaceSecret(scope), query.address);
      await audit({
        action: 'suppression.lookup',
        objectType: 'suppression',
        objectId: hash,
        details: { suppressed: found.suppressed, entries: found.suppressions.length },
      });
      return { address: query.address.trim().toLowerCase(), ...found };
    },
  );
}
