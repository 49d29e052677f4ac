import { de } from './de.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

export const noticeLanguages = ['en', 'fr', 'de'] as const;
export type NoticeLanguage = (typeof noticeLanguages)[number];

const catalogs: Record<NoticeLanguage, Partial<Record<MessageKey, string>>> = { en, fr, de };

/** Looks up notice texts in one language, falling back to English and remembering each fallback. */
export interface Translator {
  lang: NoticeLanguage;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** Keys that had no text in `lang` and were shown in English, in first-use order. */
  missing(): MessageKey[];
}

export function createTranslator(
  lang: NoticeLanguage,
  catalog: Partial<Record<MessageKey, string>> = catalogs[lang],
): Translator {
  const missing = new Set<MessageKey>();
  return {
    lang,
    t(key, params) {
      let text = catalog[key];
      if (text === undefined || text === '') {
        if (lang !== 'en') missing.add(key);
        text = en[key];
      }
      if (!params) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
        params[name] === undefined ? whole : String(params[name]),
      );
    },
    missing: () => [...missing],
  };
}
