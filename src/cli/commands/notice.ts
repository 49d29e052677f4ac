import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type NoticeLanguage, noticeLanguages } from '../../notice/i18n/translator.ts';
import { languageName, programNoticeLanguages } from '../../notice/notice-languages.ts';
import { renderNotice } from '../../notice/render-notice.ts';
import { loadProgramFromDisk } from '../../program/load-program.ts';
import { formatIssue } from '../../program/yaml.ts';
import { type CliContext, CliError, parseCommandArgs } from '../cli-context.ts';

const usage = `usage: custodian notice [path] [--format html|md] [--lang LANG] [--out file] [--base-url URL]

Renders the privacy notice from the program: who you are, what you collect and why, the
legal bases, retention, recipients and transfers, cookies, rights and (with CCPA) the
California section. Every list and table comes from the program; only notice.introduction
and notice.section_notes are free text. HTML is a standalone page (styles inline).
--lang is one of the program's notice.languages (en, fr or de; the first by default).
Texts with no translation in --lang are shown in English and listed as a warning.
--base-url prefixes links to the privacy center (e.g. https://privacy.example.com).`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    ctx.argv,
    {
      format: { type: 'string', default: 'html' },
      lang: { type: 'string' },
      out: { type: 'string' },
      'base-url': { type: 'string', default: '' },
      help: { type: 'boolean', short: 'h' },
    },
    usage,
  );
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.format !== 'html' && values.format !== 'md') {
    throw new CliError(`--format must be html or md, not "${values.format}"\n\n${usage}`);
  }
  if (values.lang !== undefined && !noticeLanguages.includes(values.lang as NoticeLanguage)) {
    throw new CliError(
      `--lang must be one of ${noticeLanguages.join(', ')}, not "${values.lang}"\n\n${usage}`,
    );
  }
  const loaded = await loadProgramFromDisk(path.resolve(ctx.cwd, positionals[0] ?? '.'));
  if (!loaded.ok) {
    for (const issue of loaded.issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
    ctx.stderr.write(`\nthe program is not valid (${loaded.issues.length} errors); fix these first\n`);
    return 1;
  }
  const doc = loaded.program.doc;
  const languages = programNoticeLanguages(doc);
  const lang = (values.lang ?? languages[0]) as NoticeLanguage;
  if (!languages.includes(lang)) {
    throw new CliError(
      `--lang ${lang}: the program does not publish its notice in ${languageName(lang, 'en')}; notice.languages lists ${languages.join(', ')}. Add ${lang} there to render and publish it.`,
    );
  }
  const rendered = renderNotice(loaded.program, {
    format: values.format,
    lang,
    baseUrl: values['base-url'].replace(/\/$/, ''),
    meta: doc.notice?.effective_date ? { effectiveDate: doc.notice.effective_date } : {},
  });
  if (rendered.missingKeys.length) {
    ctx.stderr.write(
      `warning: ${rendered.missingKeys.length} texts have no ${lang} translation and are shown in English: ${rendered.missingKeys.join(', ')}\n`,
    );
  }
  if (values.out) {
    const out = path.resolve(ctx.cwd, values.out);
    await writeFile(out, rendered.content, 'utf8');
    ctx.stderr.write(`wrote ${out}\n`);
  } else ctx.stdout.write(rendered.content);
  return 0;
}
