import { callApi, describeApiError } from '../api-client.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian publish [--effective-date YYYY-MM-DD]

Publishes the privacy notice of the program last pushed to the server (run \`custodian push\`
first) as a new, immutable version: every language in HTML and Markdown, with a sha256
content hash. Prints what changed since the previous version; a material change raises the
consent notice version and emails notice subscribers (and business customers, for changes
to processing done on their behalf). Needs CUSTODIAN_URL and an admin CUSTODIAN_API_KEY.`;

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
  notifications: { recipient: string; status: string; error?: string }[];
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
  if (r.notifications.length) {
    const sent = r.notifications.filter((n) => n.status === 'succeeded').length;
    ctx.stdout.write(`\nnotified ${sent} of ${r.notifications.length} people\n`);
    for (const n of r.notifications.filter((x) => x.status !== 'succeeded')) {
      ctx.stdout.write(
        `  not delivered to ${n.recipient}: ${n.error ?? n.status} (retry: POST /api/notice/notifications/retry)\n`,
      );
    }
  }
  return 0;
}
