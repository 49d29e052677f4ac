import type { WorkspaceScope } from '../../store/workspace-scope.ts';

/** The notification log: who was told of which version, and whether it was delivered. */
export async function listNoticeNotifications(
  scope: WorkspaceScope,
  filter: { version?: number | undefined; status?: string | undefined } = {},
) {
  let query = scope
    .selectFrom('notice_notifications')
    .select([
      'id',
      'notice_version',
      'recipient',
      'audience',
      'customer_key',
      'status',
      'attempts',
      'last_error',
      'message_id',
      'created_at',
      'last_attempt_at',
      'sent_at',
      'lang',
    ])
    .orderBy('notice_version', 'desc')
    .orderBy('created_at');
  if (filter.version !== undefined) query = query.where('notice_version', '=', filter.version);
  if (filter.status) query = query.where('status', '=', filter.status as 'sent');
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    noticeVersion: r.notice_version,
    recipient: r.recipient,
    audience: r.audience,
    customerKey: r.customer_key,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    messageId: r.message_id,
    createdAt: new Date(r.created_at).toISOString(),
    lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    /** The language the mail is written in (customers: English). */
    lang: r.lang,
  }));
}
