import type { Program } from '../program/load-program.ts';
import { buildNoticeModel } from './build-notice-model.ts';
import { composeNotice } from './compose-notice.ts';
import type { MessageKey } from './i18n/en.ts';
import { createTranslator, type NoticeLanguage } from './i18n/translator.ts';
import type { NoticeMeta, NoticeModel } from './notice-model.ts';
import { renderHtml, type StylesheetMode } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';

export type NoticeFormat = 'html' | 'md';

export interface RenderNoticeOptions {
  format: NoticeFormat;
  lang: NoticeLanguage;
  meta?: NoticeMeta;
  /** HTML only: inline styles (standalone file, the default) or a stylesheet link (server). */
  stylesheet?: StylesheetMode;
  /** Base for links to the privacy center and past versions; '' gives site-relative links. */
  baseUrl?: string;
}

export interface RenderedNotice {
  content: string;
  /** Texts shown in English because `lang` has no translation for them. */
  missingKeys: MessageKey[];
}

/** Renders a notice model in one language and format. */
export function renderNoticeModel(model: NoticeModel, options: RenderNoticeOptions): RenderedNotice {
  const tr = createTranslator(options.lang);
  const doc = composeNotice(model, options.meta ?? {}, tr, { baseUrl: options.baseUrl ?? '' });
  const content =
    options.format === 'html' ? renderHtml(doc, options.stylesheet ?? 'inline') : renderMarkdown(doc);
  return { content, missingKeys: tr.missing() };
}

/** Renders the privacy notice of a program (built from program data alone). */
export function renderNotice(program: Program, options: RenderNoticeOptions): RenderedNotice {
  return renderNoticeModel(buildNoticeModel(program), options);
}
