import { callApi, describeApiError } from '../api-client.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian publish [--effective-date YYYY-MM-DD]

Publishes the privacy notice of the program last pushed to the server (run \`custodian push\`
first) as a new, immutable version: every language in HTML and Markdown, with a sha256
content hash. Prints what changed since the previous version; a material change raises the
consent notice version and emails notice subscribers (and business customers, for changes
to processing done on their behalf): the server's job queue delivers, and publish waits up
to 20 seconds to print who was notified. Needs CUSTODIAN_URL and an admin CUSTODIAN_API_KEY.`;

interface PublishResponse {
  unchanged: boolean;
  queued: number;
  version: {
    version: number;
    effectiveDate: string;
    contentHash: string;
    material: boolean;
    consentVersion: number;
    changes: { summary: string; material: boolean; reason: string }[];
  };
  /** `queued`: the server's job queue delivers; `sent`: sent during the call; `none`: nobody to tell. */
  delivery: 'queued' | 'sent' | 'none';
  notifications: { recipient: string; status: string; error?: string }[];
}

interface LogEntry {
  recipient: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  lastError: string | null;
}

/** How long publish waits for the job queue to deliver before leaving it to run on. */
const FOLLOW_MS = 20_000;

/** Follows a queued delivery in the notification log until every send has a result (or time is up). */
async function followDelivery(ctx: CliContext, version: number): Promise<LogEntry[] | undefined> {
  const until = Date.now() + FOLLOW_MS;
  for (;;) {
    const { status, json } = await callApi(ctx.env, 'GET', `/api/notice/notifications?version=${version}`);
    if (status >= 400) return undefined;
    const log = (json as { notifications: LogEntry[] }).notifications;
    if (!log.some((n) => n.status === 'pending' || n.status === 'sending')) return log;
    if (Date.now() > until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function run(ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    ctx.argv,
    { 'effective-date': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    usage,
    false,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const date = values['effective-date'];
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new CliError(`--effective-date must look like 2025-06-30, not "${date}"\n\n${usage}`);
  }
  const { status, json } = await callApi(
    ctx.env,
    'POST',
    '/api/notice/versions',
    date ? { effective_date: date } : {},
  );
  if (status >= 400) {
    ctx.stderr.write(`custodian publish: ${describeApiError(status, json)}\n`);
    return 1;
  }
  const r = json as PublishResponse;
  const v = r.version;
  if (r.unchanged) {
    ctx.stdout.write(
      `nothing to publish: the notice is the same as version ${v.version} (effective ${v.effectiveDate})\n`,
    );
    return 0;
  }
  ctx.stdout.write(
    `published notice version ${v.version}, effective ${v.effectiveDate}\n  sha256 ${v.contentHash}\n  consent notice version ${v.consentVersion}\n`,
  );
  if (v.changes.length) {
    ctx.stdout.write(
      `\n${v.material ? 'MATERIAL change' : 'editorial changes only'} (${v.changes.length}):\n`,
    );
    for (const c of v.changes) {
      ctx.stdout.write(`  ${c.material ? '[material] ' : '[editorial]'} ${c.summary} — ${c.reason}\n`);
    }
  }
  let results = r.notifications.map((n) => ({
    recipient: n.recipient,
    delivered: n.status === 'succeeded',
    why: n.error ?? n.status,
  }));
  if (r.delivery === 'queued') {
    const log = await followDelivery(ctx, v.version);
    if (!log) {
      ctx.stdout.write(
        `\n${r.queued} people to notify: the server's job queue is delivering (see GET /api/notice/notifications?version=${v.version})\n`,
      );
      return 0;
    }
    results = log.map((n) => ({
      recipient: n.recipient,
      delivered: n.status === 'sent',
      why: n.lastError ?? n.status,
    }));
  }
  if (results.length) {
    const sent = results.filter((n) => n.delivered).length;
    const by = r.delivery === 'queued' ? ' (delivered by the job queue)' : '';
    ctx.stdout.write(`\nnotified ${sent} of ${results.length} people${by}\n`);
    for (const n of results.filter((x) => !x.delivered)) {
      ctx.stdout.write(
        `  not delivered to ${n.recipient}: ${n.why}${r.delivery === 'queued' ? ' (the job queue tries again)' : ' (retry: POST /api/notice/notifications/retry)'}\n`,
      );
    }
  }
  return 0;
}
