import { randomUUID } from 'node:crypto';
import type { Program } from '../../program/load-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import type { NoticeLanguage } from '../i18n/translator.ts';
import { programNoticeLanguages } from '../notice-languages.ts';
import type { ClassifiedChange } from '../versions/classify-changes.ts';
import { subscriberMailLanguage } from './notice-subscriptions.ts';

/**
 * Queues one notification per person who must hear of a material change: every confirmed
 * notice subscriber, and each business customer's privacy contact when the change touches what we
 * do as their processor (Art. 28(2)). One row per recipient and version, so re-queueing is a no-op.
 */
export async function queueNoticeNotifications(
  scope: WorkspaceScope,
  input: { version: number; changes: ClassifiedChange[]; program: Program; now: Date },
): Promise<number> {
  const recipients = new Map<
    string,
    { audience: 'subscriber' | 'customer'; customerKey: string | null; lang: NoticeLanguage }
  >();
  const languages = programNoticeLanguages(input.program.doc);
  // Only those who confirmed by email; pending and unsubscribed addresses hear nothing.
  const subscribers = await scope
    .selectFrom('notice_subscribers')
    .select(['email', 'lang'])
    .where('status', '=', 'confirmed')
    .execute();
  for (const s of subscribers) {
    const lang = subscriberMailLanguage(s.lang, languages);
    recipients.set(s.email, { audience: 'subscriber', customerKey: null, lang });
  }
  if (input.changes.some((c) => c.material && c.affectsCustomers)) {
    for (const customer of input.program.doc.customers) {
      const email = customer.privacy_contact.toLowerCase();
      recipients.set(email, { audience: 'customer', customerKey: customer.key, lang: 'en' });
    }
  }
  if (recipients.size === 0) return 0;
  await scope
    .insertMany(
      'notice_notifications',
      [...recipients].map(([recipient, r]) => ({
        id: randomUUID(),
        notice_version: input.version,
        recipient,
        audience: r.audience,
        customer_key: r.customerKey,
        lang: r.lang,
        status: 'pending' as const,
        created_at: input.now,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'notice_version', 'recipient']).doNothing())
    .execute();
  return recipients.size;
}
