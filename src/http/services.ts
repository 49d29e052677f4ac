import { createLogMailer, type Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/open-store.ts';

/**
 * What route handlers and jobs need from the outside world. Tests build their own
 * (memory store, fixed clock, in-process SMTP) and hand them to `createApp`.
 */
export interface Services {
  store: Store;
  /** The time "now"; tests move it to prove deadlines and retention. */
  clock: () => Date;
  /** Public base URL of this server, for links in emails (no trailing slash). */
  publicUrl: string;
  /** Outgoing mail (SMTP from SMTP_URL; the log when unset; an in-process server in tests). */
  mailer: Mailer;
  /** Extra per-domain services (mailer, jobs) added by the modules that own them. */
  extras: Map<string, unknown>;
}

export function createServices(
  store: Store,
  options: { clock?: () => Date; publicUrl?: string; mailer?: Mailer } = {},
): Services {
  return {
    store,
    clock: options.clock ?? (() => new Date()),
    publicUrl: (options.publicUrl ?? 'http://localhost:7070').replace(/\/$/, ''),
    mailer: options.mailer ?? createLogMailer(),
    extras: new Map(),
  };
}
