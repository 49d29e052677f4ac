import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../../errors.ts';
import { canonicalJson } from '../../governance/canonical-json.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { buildNoticeModel } from '../build-notice-model.ts';
import { queueNoticeNotifications } from '../notifications/queue-notice-notifications.ts';
import { renderNoticeModel } from '../render-notice.ts';
import { type ClassifiedChange, classifyChanges } from './classify-changes.ts';
import { diffNoticeModels } from './diff-notice-models.ts';
import { findLatestNoticeVersion, type NoticeVersion } from './notice-versions.ts';

export interface PublishNoticeOptions {
  now: Date;
  actor: string;
  /** YYYY-MM-DD; defaults to the program's notice.effective_date for the first version, else today. */
  effectiveDate?: string | undefined;
}

export interface PublishNoticeResult {
  /** True when the notice is the same as the latest version: nothing was published. */
  unchanged: boolean;
  version: NoticeVersion;
  /** How many people were queued to be told of a material change. */
  queued: number;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Freezes the notice of the current program as a new version: each language the program
 * lists in `notice.languages` (and no other) in HTML and Markdown, a sha256 of the content,
 * the classified diff against the previous version, the consent version (raised on a
 * material change) and the notifications owed, all in one transaction so a crash leaves
 * either nothing or a complete version with its queue.
 */
export async function publishNotice(
  scope: WorkspaceScope,
  options: PublishNoticeOptions,
): Promise<PublishNoticeResult> {
  const { version: programVersion, program } = await getCurrentProgram(scope);
  const model = buildNoticeModel(program);
  return scope.transaction(async (tx, trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`notice:${tx.workspaceId}`}))`.execute(trx);
    const previous = await findLatestNoticeVersion(tx);
    const today = isoDay(options.now);
    const programDate = program.doc.notice?.effective_date;
    let effectiveDate = options.effectiveDate;
    if (!effectiveDate) {
      effectiveDate =
        programDate && (!previous || programDate > previous.effectiveDate) ? programDate : today;
    }
    if (previous && effectiveDate < previous.effectiveDate) {
      throw new AppError(
        'validation_failed',
        `the effective date ${effectiveDate} is before that of version ${previous.version} (${previous.effectiveDate})`,
        {
          details: [
            { path: 'body.effective_date', message: `must be on or after ${previous.effectiveDate}` },
          ],
        },
      );
    }
    const changes: ClassifiedChange[] = previous
      ? classifyChanges(diffNoticeModels(previous.model, model))
      : [];
    if (
      previous &&
      changes.length === 0 &&
      (!options.effectiveDate || effectiveDate === previous.effectiveDate)
    ) {
      const { model: _m, renderings: _r, ...summary } = previous;
      return { unchanged: true, version: summary, queued: 0 };
    }
    const version = (previous?.version ?? 0) + 1;
    const material = changes.some((c) => c.material);
    const consentVersion = previous ? previous.consentVersion + (material ? 1 : 0) : 1;
    const meta = { version, effectiveDate, lastUpdated: today };
    const renderings: Record<string, { html: string; md: string }> = {};
    const missingKeys: Record<string, string[]> = {};
    for (const lang of model.languages) {
      const html = renderNoticeModel(model, {
        format: 'html',
        lang,
        meta,
        stylesheet: { href: '/privacy/notice.css' },
      });
      const md = renderNoticeModel(model, { format: 'md', lang, meta });
      renderings[lang] = { html: html.content, md: md.content };
      if (html.missingKeys.length) missingKeys[lang] = html.missingKeys;
    }
    // Canonical JSON, so the hash can be recomputed from the stored (jsonb) row to prove it unchanged.
    const contentHash = createHash('sha256').update(canonicalJson({ model, renderings })).digest('hex');
    await tx
      .insertInto('notice_versions', {
        id: randomUUID(),
        version,
        program_version: programVersion,
        program_hash: program.hash,
        effective_date: effectiveDate,
        published_at: options.now,
        published_by: options.actor,
        content_hash: contentHash,
        model: JSON.stringify(model) as never,
        renderings: JSON.stringify(renderings) as never,
        missing_keys: JSON.stringify(missingKeys) as never,
        changes: JSON.stringify(changes) as never,
        material,
        consent_version: consentVersion,
      })
      .execute();
    const queued = material
      ? await queueNoticeNotifications(tx, { version, changes, program, now: options.now })
      : 0;
    return {
      unchanged: false,
      queued,
      version: {
        version,
        programVersion,
        programHash: program.hash,
        effectiveDate,
        publishedAt: options.now.toISOString(),
        publishedBy: options.actor,
        contentHash,
        material,
        consentVersion,
        changes,
        missingKeys,
        languages: model.languages,
      },
    };
  });
}
