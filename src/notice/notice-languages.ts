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
