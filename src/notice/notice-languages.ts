import type { ProgramDoc } from '../program/schema.ts';
import { type NoticeLanguage, noticeLanguages } from './i18n/translator.ts';

/** Each language's name in itself, as a language switcher shows it. */
export const languageNames: Record<NoticeLanguage, string> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
};

/** A language's name in another language ("de" in French: "allemand"). */
export function languageName(lang: string, inLanguage: NoticeLanguage): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

export function isNoticeLanguage(value: unknown): value is NoticeLanguage {
  return typeof value === 'string' && (noticeLanguages as readonly string[]).includes(value);
}

/**
 * The languages the program publishes its notice in (`notice.languages`), in its order: the
 * first is the default a reader gets when they ask for none, or for one not published.
 * English when the program lists none.
 */
export function programNoticeLanguages(doc: Pick<ProgramDoc, 'notice'>): NoticeLanguage[] {
  const listed = [...new Set(doc.notice?.languages ?? [])];
  return listed.length ? listed : ['en'];
}

/** The language to show, and the one asked for with ?lang= when it is not published. */
export interface LanguageChoice {
  lang: NoticeLanguage;
  notPublishedIn?: string;
}

/**
 * The language of a public page: ?lang= first, then the browser's Accept-Language (by its
 * q-values, the first listed winning a tie), then the first published language; only the
 * languages `published` holds are ever chosen.
 */
export function chooseLanguage(
  asked: string | undefined,
  acceptLanguage: string | undefined,
  published: NoticeLanguage[],
): LanguageChoice {
  const first = published[0] ?? 'en';
  if (asked) {
    const lang = published.find((l) => l === asked.toLowerCase());
    return lang ? { lang } : { lang: first, notPublishedIn: asked.slice(0, 35) };
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { code: tag.trim().slice(0, 2).toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { code } of ranked) {
    const lang = published.find((l) => l === code);
    if (lang) return { lang };
  }
  return { lang: first };
}

/**
 * The language of a mail to someone who chose `chosenIn` (the page they subscribed or made a
 * request on): theirs while it is still published, else the first published language (never
 * a mix of two).
 */
export function mailLanguage(chosenIn: string, published: NoticeLanguage[]): NoticeLanguage {
  return published.find((l) => l === chosenIn) ?? published[0] ?? 'en';
}
