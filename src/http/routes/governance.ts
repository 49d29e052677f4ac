import type { Hono } from 'hono';
import type { AppEnv } from '../route.ts';
import { registerAccessGrantRoutes } from './access-grants.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerBreachRoutes } from './breaches.ts';
import { registerSubProcessorRoutes } from './sub-processors.ts';
import { registerUserRoutes } from './users.ts';

/** Governance: audit log, staff access grants, sub-processor changes, breaches, users and sessions. */
export function registerGovernanceRoutes(app: Hono<AppEnv>): void {
  registerAuditRoutes(app);
  registerAccessGrantRoutes(app);
  registerUserRoutes(app);
  registerSubProcessorRoutes(app);
  registerBreachRoutes(app);
}
