import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createShop, loadShopProgram, type ShopFixture } from '../../execution/fixtures/shop-fixture.ts';
import type { ErasurePolicy } from '../../execution/masking.ts';
import { createApiKey } from '../../governance/api-keys.ts';
import { bootstrapWorkspace } from '../../governance/workspaces.ts';
import { createApp } from '../../http/app.ts';
import { createServices, type Services } from '../../http/services.ts';
import { toBundle } from '../../program/load-program.ts';
import { pushProgram } from '../../program/push-program.ts';
import type { Store } from '../../store/open-store.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { memoryStore } from '../../testing/store.ts';
import type { EngineConnections } from '../engine-port.ts';
import { configureRequestServices } from '../request-services.ts';

/** A clock tests move: `clock.set(...)`, `clock.advanceDays(n)`. */
export interface TestClock {
  (): Date;
  set(iso: string): void;
  advanceDays(days: number): void;
}

export function testClock(start: string): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now.getTime())) as TestClock;
  clock.set = (iso) => {
    now = new Date(iso);
  };
  clock.advanceDays = (days) => {
    now = new Date(now.getTime() + days * 86_400_000);
  };
  return clock;
}

/**
 * The Teapot Shop program (src/execution fixtures) made to offer every right in the EU and
 * California, with a 30-day company promise in the EU, the CCPA access limit, agents,
 * branding and one processor.
 */
export async function requestProgramBundle(overrides: Record<string, unknown> = {}) {
  const bundle = toBundle(await loadShopProgram());
  const doc = structuredClone(bundle.program) as Record<string, unknown>;
  const organization = doc.organization as Record<string, unknown>;
  organization.branding = { primary_color: '#7a1f5c' };
  organization.supervisory_authority ??= {
    name: 'Data Protection Commission',
    url: 'https://www.dataprotection.ie',
  };
  doc.jurisdictions = [{ code: 'gdpr', response_days: 30 }, { code: 'ccpa' }];
  doc.rights = {
    offered: [
      'access',
      'portability',
      'erasure',
      'rectification',
      'restriction',
      'objection',
      'opt_out_sale',
      'limit_sensitive',
      'do_not_contact',
    ],
    access_limit_per_year: 2,
    authorized_agents: true,
    ...((overrides.rights as object) ?? {}),
  };
  for (const [k, v] of Object.entries(overrides)) if (k !== 'rights') doc[k] = v;
  return { program: doc, datasets: bundle.datasets };
}

/**
 * The shop program with one business customer, Acme (account 3), whose users' requests are
 * routed to Acme to decide: customers are linked to accounts by `customers.id`.
 */
export async function customerRoutedProgramBundle() {
  const bundle = await requestProgramBundle({
    customers: [{ key: 'acme', name: 'Acme Ltd', privacy_contact: 'dpo@acme.example', account_id: 3 }],
    rights: { processor_routing: { data_subjects: ['customer'] } },
  });
  const systems = (bundle.program as { systems: Record<string, unknown>[] }).systems;
  systems[0]!.customer_link = { dataset: 'shop', field: 'customers.id' };
  return bundle;
}

export interface RequestHarness {
  store: Store;
  services: Services;
  smtp: TestSmtp;
  clock: TestClock;
  scope: WorkspaceScope;
  keys: { owner: string; reviewer: string; auditor: string };
  packageDir: string;
  app: ReturnType<typeof createApp>;
  request(method: string, url: string, body?: unknown, key?: string): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  connections?: EngineConnections;
  erasurePolicy?: ErasurePolicy;
  start?: string;
  program?: Record<string, unknown>;
}

export async function requestHarness(options: HarnessOptions = {}): Promise<RequestHarness> {
  const store = await memoryStore();
  const smtp = await startTestSmtp();
  const clock = testClock(options.start ?? '2025-03-03T10:00:00Z');
  const services = createServices(store, { clock, mailer: smtp.mailer, publicUrl: 'http://privacy.test' });
  const packageDir = await mkdtemp(path.join(tmpdir(), 'custodian-packages-'));
  configureRequestServices(services, {
    packageDir,
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.erasurePolicy ? { erasurePolicy: options.erasurePolicy } : {}),
  });
  const boot = await bootstrapWorkspace(store.db);
  const scope = boot.scope;
  const owner = boot.ownerKey!.secret;
  const reviewer = (await createApiKey(scope, { name: 'reviewer', role: 'reviewer' })).secret;
  const auditor = (await createApiKey(scope, { name: 'auditor', role: 'auditor' })).secret;
  await pushProgram(scope, await requestProgramBundle(options.program), 'test');
  const app = createApp(services);
  return {
    store,
    services,
    smtp,
    clock,
    scope,
    keys: { owner, reviewer, auditor },
    packageDir,
    app,
    request(method, url, body, key = owner) {
      return Promise.resolve(
        app.request(url, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      );
    },
    async close() {
      await smtp.close();
      await store.close();
      await rm(packageDir, { recursive: true, force: true });
    },
  };
}

export interface ShopHarness extends RequestHarness {
  shop: ShopFixture;
}

/** A request harness whose engine reaches a fresh shop (PostgreSQL and MariaDB); `close()` drops it too. */
export async function shopRequestHarness(
  options: Omit<HarnessOptions, 'connections'> = {},
): Promise<ShopHarness> {
  const shop = await createShop();
  const h = await requestHarness({ ...options, connections: { overrides: shop.connectors } });
  return {
    ...h,
    shop,
    async close() {
      await h.close();
      await shop.drop();
    },
  };
}
