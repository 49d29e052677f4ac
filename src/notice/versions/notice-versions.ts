import { sql } from 'kysely';
import { AppError } from '../../errors.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type NoticeLanguage, noticeLanguages } from '../i18n/translator.ts';
import type { NoticeModel } from '../notice-model.ts';
import type { ClassifiedChange } from './classify-changes.ts';

/** A published notice version as stored: frozen renderings plus the model they came from. */
export interface NoticeVersion {
  version: number;
  programVersion: number;
  programHash: string;
  effectiveDate: string;
  publishedAt: string;
  publishedBy: string | null;
  contentHash: string;
  material: boolean;
  consentVersion: number;
  changes: ClassifiedChange[];
  missingKeys: Partial<Record<NoticeLanguage, string[]>>;
  /** The languages this version was published in; the first is the one shown by default. */
  languages: NoticeLanguage[];
}

export interface NoticeVersionWithContent extends NoticeVersion {
  model: NoticeModel;
  /** One rendering per language in `languages`, and no other. */
  renderings: Partial<Record<NoticeLanguage, { html: string; md: string }>>;
}

const summaryColumns = [
  'version',
  'program_version',
  'program_hash',
  'effective_date',
  'published_at',
  'published_by',
  'content_hash',
  'material',
  'consent_version',
  'changes',
  'missing_keys',
] as const;

type SummaryRow = {
  version: number;
  program_version: number;
  program_hash: string;
  effective_date: string;
  published_at: Date;
  published_by: string | null;
  content_hash: string;
  material: boolean;
  consent_version: number;
  changes: Record<string, unknown>[];
  missing_keys: Record<string, string[]>;
  model_languages: NoticeLanguage[] | null;
  rendered_languages: NoticeLanguage[] | null;
};

// Versions published before `notice.languages` was honoured carry no list in their model:
// they were rendered in every language, which their renderings' keys say.
const languageColumns = [
  sql<NoticeLanguage[] | null>`model->'languages'`.as('model_languages'),
  sql<NoticeLanguage[] | null>`(SELECT jsonb_agg(k) FROM jsonb_object_keys(renderings) AS k)`.as(
    'rendered_languages',
  ),
];

function languagesOf(row: Pick<SummaryRow, 'model_languages' | 'rendered_languages'>): NoticeLanguage[] {
  const rendered = row.rendered_languages ?? [];
  return row.model_languages ?? noticeLanguages.filter((l) => rendered.includes(l));
}

function fromRow(row: SummaryRow): NoticeVersion {
  return {
    version: row.version,
    programVersion: row.program_version,
    programHash: row.program_hash,
    effectiveDate: row.effective_date,
    publishedAt: new Date(row.published_at).toISOString(),
    publishedBy: row.published_by,
    contentHash: row.content_hash,
    material: row.material,
    consentVersion: row.consent_version,
    changes: row.changes as unknown as ClassifiedChange[],
    missingKeys: row.missing_keys,
    languages: languagesOf(row),
  };
}

/** Every published version, newest first (without the renderings). */
export async function listNoticeVersions(scope: WorkspaceScope): Promise<NoticeVersion[]> {
  const rows = await scope
    .selectFrom('notice_versions')
    .select([...summaryColumns, ...languageColumns])
    .orderBy('version', 'desc')
    .execute();
  return rows.map(fromRow);
}

/** One version with its renderings and model; a clear 404 when it does not exist. */
export async function getNoticeVersion(
  scope: WorkspaceScope,
  version: number,
): Promise<NoticeVersionWithContent> {
  const row = await scope
    .selectFrom('notice_versions')
    .select([...summaryColumns, ...languageColumns, 'model', 'renderings'])
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `notice version ${version} has not been published`);
  const summary = fromRow(row);
  const model = row.model as unknown as NoticeModel;
  return {
    ...summary,
    model: { ...model, languages: summary.languages },
    renderings: row.renderings as NoticeVersionWithContent['renderings'],
  };
}

/** The number of the newest published version, or undefined before the first publication. */
export async function latestNoticeVersionNumber(scope: WorkspaceScope): Promise<number | undefined> {
  const row = await scope
    .selectFrom('notice_versions')
    .select('version')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.version;
}

/** The newest published version, or undefined before the first publication. */
export async function findLatestNoticeVersion(
  scope: WorkspaceScope,
): Promise<NoticeVersionWithContent | undefined> {
  const latest = await latestNoticeVersionNumber(scope);
  return latest === undefined ? undefined : getNoticeVersion(scope, latest);
}

/** What the pages around the notice need of the latest version: no model, no renderings. */
export interface NoticeHeader {
  version: number;
  languages: NoticeLanguage[];
  controller: { name: string; brandColor?: string | undefined };
}

export async function findLatestNoticeHeader(scope: WorkspaceScope): Promise<NoticeHeader | undefined> {
  const row = await scope
    .selectFrom('notice_versions')
    .select([
      'version',
      ...languageColumns,
      sql<string>`model->'controller'->>'name'`.as('name'),
      sql<string | null>`model->'controller'->>'brandColor'`.as('brand_color'),
    ])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    version: row.version,
    languages: languagesOf(row),
    controller: { name: row.name, brandColor: row.brand_color ?? undefined },
  };
}
