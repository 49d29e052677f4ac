import { AppError } from '../../errors.ts';
import type { AccessPolicies, ProgramDoc } from '../../program/schema.ts';

type StaffRole = AccessPolicies['roles'][number];

/** The program's access policies with their defaults, even when the section is absent. */
export function accessPolicies(doc: ProgramDoc): AccessPolicies {
  return (
    doc.access_policies ?? { default_grant_hours: 24, max_grant_hours: 168, roles: [], staff: [], tools: [] }
  );
}

/**
 * The staff member's role from the program. When the program lists staff, someone not on
 * the list is unknown (and gets nothing); without a list, staff have no role limits.
 */
export function staffRole(
  doc: ProgramDoc,
  staffId: string,
): { known: boolean; role: StaffRole | undefined; roleKey: string | null } {
  const policies = accessPolicies(doc);
  const member = policies.staff.find((s) => s.id.toLowerCase() === staffId.toLowerCase());
  if (!member) return { known: policies.staff.length === 0, role: undefined, roleKey: null };
  return { known: true, role: policies.roles.find((r) => r.key === member.role), roleKey: member.role };
}

export function findCustomer(doc: ProgramDoc, customerKey: string) {
  const customer = doc.customers.find((c) => c.key === customerKey);
  if (!customer) {
    throw new AppError('not_found', `no customer "${customerKey}" in the program's customers[]`, {
      details: [
        { path: 'customer', message: `known: ${doc.customers.map((c) => c.key).join(', ') || 'none'}` },
      ],
    });
  }
  return customer;
}

/** Matches `dataset.collection.field` against allow-list patterns where `*` stands for one segment (or, last, the rest). */
export function fieldAllowed(patterns: readonly string[], field: string): boolean {
  const parts = field.split('.');
  return patterns.some((pattern) => {
    const want = pattern.split('.');
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      if (w === '*' && i === want.length - 1) return parts.length >= want.length;
      if (w !== '*' && w !== parts[i]) return false;
    }
    return parts.length === want.length;
  });
}
