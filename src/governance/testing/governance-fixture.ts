import { createApp } from '../../http/app.ts';
import { createServices, type Services } from '../../http/services.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { pushProgram } from '../../program/push-program.ts';
import { memoryStore } from '../../testing/store.ts';
import { createApiKey, type Role } from '../api-keys.ts';
import { bootstrapWorkspace, createWorkspace } from '../workspaces.ts';

/**
 * A B2B program in the shape of the seeds (GroupCamp's support field limits, IRIS Connect's
 * oversight tool, Claromentis's sub-processors) for governance tests.
 */
export const governanceProgram = {
  program: {
    version: 1,
    organization: {
      name: 'Teamhub',
      role: 'both',
      contacts: {
        privacy: { email: 'privacy@teamhub.test' },
        dpo: { name: 'Dana DPO', email: 'dpo@teamhub.test' },
      },
      supervisory_authority: { name: 'CNIL', country: 'FR', url: 'https://www.cnil.fr' },
    },
    jurisdictions: [{ code: 'gdpr' }],
    data_subjects: ['customer', 'employee'],
    systems: [
      { key: 'app_db', name: 'Application database', datasets: ['app'], locations: ['IE'] },
      { key: 'recordings', name: 'Support recordings', datasets: [], locations: ['IE'] },
    ],
    activities: [
      {
        key: 'hosting',
        name: 'Hosting team workspaces',
        data_categories: ['user.contact.email', 'user.name'],
        data_subjects: ['employee'],
        data_use: 'essential.service',
        purpose: 'Provide the collaboration service',
        legal_basis: 'contract',
        systems: ['app_db'],
        as_processor: true,
      },
    ],
    processors: [
      {
        key: 'aws',
        name: 'Amazon Web Services',
        service: 'Hosting',
        purpose: 'Hosting',
        role: 'sub_processor',
        locations: ['IE'],
        transfer_mechanism: 'adequacy',
        status: 'active',
      },
      {
        key: 'mailjet',
        name: 'Mailjet',
        service: 'Transactional email',
        purpose: 'Send service emails',
        role: 'sub_processor',
        locations: ['FR'],
        transfer_mechanism: 'adequacy',
        status: 'proposed',
      },
    ],
    rights: { offered: ['access', 'erasure'] },
    customers: [
      { key: 'acme', name: 'Acme School', privacy_contact: 'admin@acme.test' },
      { key: 'globex', name: 'Globex Academy', privacy_contact: 'dpo@globex.test' },
    ],
    access_policies: {
      roles: [
        {
          key: 'support',
          allowed_fields: ['app.users.name', 'app.teams.name', 'app.teams.member_count', 'app.settings.*'],
        },
        { key: 'engineer', modes: ['read', 'write'] },
      ],
      staff: [
        { id: 'sam@teamhub.test', role: 'support' },
        { id: 'erin@teamhub.test', role: 'engineer' },
      ],
      tools: [
        {
          key: 'content_oversight',
          name: 'Content oversight tool',
          purpose: 'Review content reported as inappropriate',
          requires_grant: false,
        },
      ],
    },
  },
  datasets: [
    {
      fides_key: 'app',
      name: 'Application database',
      collections: [
        {
          name: 'users',
          fields: [
            { name: 'id', data_categories: ['user.unique_id'] },
            { name: 'name', data_categories: ['user.name'] },
            { name: 'email', data_categories: ['user.contact.email'] },
          ],
        },
        {
          name: 'teams',
          fields: [
            { name: 'name', data_categories: ['system.operations'] },
            { name: 'member_count', data_categories: ['system.operations'] },
          ],
        },
      ],
    },
  ],
};

export interface GovernanceFixture {
  services: Services;
  app: ReturnType<typeof createApp>;
  /** Keys of the main workspace, one per role. */
  keys: Record<Role, string>;
  /** An owner key of a second workspace, to prove isolation. */
  otherKey: string;
  /** Moves the test clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** A memory store with two workspaces, a pushed program, keys of every role and a movable clock. */
export async function governanceFixture(
  options: { mailer?: Mailer; start?: Date; publicUrl?: string } = {},
): Promise<GovernanceFixture> {
  const store = await memoryStore();
  let now = options.start ?? new Date('2025-03-03T09:00:00Z');
  const { scope } = await bootstrapWorkspace(store.db);
  await pushProgram(scope, governanceProgram, 'test');
  const keys = {} as Record<Role, string>;
  for (const role of ['owner', 'admin', 'reviewer', 'auditor'] as const) {
    keys[role] = (await createApiKey(scope, { name: role, role })).secret;
  }
  const other = await createWorkspace(store.db, 'Other');
  await pushProgram(other, governanceProgram, 'test');
  const otherKey = (await createApiKey(other, { name: 'other owner', role: 'owner' })).secret;
  const services = createServices(store, {
    clock: () => now,
    publicUrl: options.publicUrl ?? 'http://custodian.test',
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  return {
    services,
    app: createApp(services),
    keys,
    otherKey,
    advance(ms) {
      now = new Date(now.getTime() + ms);
    },
    close: () => store.close(),
  };
}

/** JSON request helper for route tests. */
export function call(
  fixture: Pick<GovernanceFixture, 'app'>,
  method: string,
  path: string,
  key: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return fixture.app.request(path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
