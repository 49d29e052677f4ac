import { createHash } from 'node:crypto';
import { getConsentNoticeVersion } from '../notice/consent-version.ts';
import type { Cookie } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { type BannerTexts, bannerTexts, rtlLanguages } from './banner-texts.ts';
import { serviceKey } from './consent-purposes.ts';
import { currentConsentProgram } from './current-purposes.ts';

export interface BannerService {
  key: string;
  name: string;
  cookies: string[];
}

export interface BannerCategory {
  /** The consent notice key recorded in the ledger. */
  key: string;
  /** Cookie category; held scripts name it in `data-category`. */
  category: string;
  name: string;
  description: string;
  /** opt_out: on until refused (CCPA); opt_in: off until allowed. */
  mechanism: 'opt_in' | 'opt_out' | 'notice_only';
  /** A GPC signal turns this category off without asking. */
  gpc: boolean;
  services: BannerService[];
  /** Cookie names (or `prefix*` patterns) cleared on withdrawal. */
  cookies: string[];
}

export interface BannerConfig {
  site: string;
  version: number;
  lang: string;
  dir: 'ltr' | 'rtl';
  jurisdiction: string | null;
  texts: BannerTexts;
  essential: string[];
  categories: BannerCategory[];
  wording_hash: string;
  /** The config request carried `Sec-GPC: 1`. */
  gpc: boolean;
  policy_url: string;
  preferences_url: string;
}

const storedWordings = new Set<string>();

function cookieName(c: Cookie): string | undefined {
  return c.name ?? c.pattern;
}

/**
 * The banner's configuration, generated from the program's consent notices and cookie
 * register. The exact wording shown is stored once by its hash so events can cite it.
 */
export async function buildBannerConfig(
  scope: WorkspaceScope,
  options: { lang?: string | undefined; gpc: boolean; publicUrl: string },
): Promise<BannerConfig> {
  const { program } = await currentConsentProgram(scope);
  const noticeVersion = await getConsentNoticeVersion(scope);
  const lang = options.lang && bannerTexts[options.lang] ? options.lang : 'en';
  const texts = bannerTexts[lang]!;
  const cookies = program.doc.cookies;
  const categories: BannerCategory[] = [];
  for (const notice of program.doc.consent_notices) {
    if (!notice.cookie_category || notice.cookie_category === 'essential') continue;
    const own = cookies.filter((c) => c.category === notice.cookie_category);
    const services = new Map<string, BannerService>();
    for (const c of own) {
      const key = serviceKey(c);
      const service = services.get(key) ?? { key, name: c.provider, cookies: [] };
      const name = cookieName(c);
      if (name) service.cookies.push(name);
      services.set(key, service);
    }
    categories.push({
      key: notice.key,
      category: notice.cookie_category,
      name: notice.name,
      description: notice.description,
      mechanism: notice.mechanism,
      gpc: notice.honors_gpc,
      services: [...services.values()],
      cookies: own.map(cookieName).filter((n): n is string => !!n),
    });
  }
  const essential = cookies
    .filter((c) => c.category === 'essential')
    .map(cookieName)
    .filter((n): n is string => !!n);
  const wording = JSON.stringify({
    lang,
    version: noticeVersion,
    texts,
    categories: categories.map((c) => ({
      key: c.key,
      name: c.name,
      description: c.description,
      services: c.services.map((s) => s.name),
    })),
  });
  const wordingHash = createHash('sha256').update(wording).digest('hex');
  const storedKey = `${scope.workspaceId}:${wordingHash}`;
  if (!storedWordings.has(storedKey)) {
    await scope
      .insertInto('consent_wordings', { hash: wordingHash, lang, text: wording })
      .onConflict((oc) => oc.columns(['workspace_id', 'hash']).doNothing())
      .execute();
    storedWordings.add(storedKey);
  }
  return {
    site: scope.workspaceId,
    version: noticeVersion,
    lang,
    dir: rtlLanguages.has(lang) ? 'rtl' : 'ltr',
    jurisdiction: program.doc.jurisdictions[0]?.code ?? null,
    texts,
    essential,
    categories,
    wording_hash: wordingHash,
    gpc: options.gpc,
    policy_url: `${options.publicUrl}/privacy`,
    preferences_url: `${options.publicUrl}/privacy-center/preferences`,
  };
}
