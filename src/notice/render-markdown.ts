import type { Block, Inline, NoticeDocument } from './notice-document.ts';

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function inline(parts: Inline[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return escapeMd(p);
      if ('href' in p) return `[${escapeMd(p.text)}](${p.href.replace(/[()\s]/g, encodeURIComponent)})`;
      return `**${escapeMd(p.strong)}**`;
    })
    .join('');
}

function cell(parts: Inline[]): string {
  return inline(parts).replace(/\r?\n/g, ' ');
}

function block(b: Block, level: number): string {
  switch (b.type) {
    case 'p':
      return inline(b.content);
    case 'note':
      return `> **${escapeMd(b.label)}:** ${escapeMd(b.text)}`;
    case 'list':
      return b.items.map((i) => `- ${inline(i)}`).join('\n');
    case 'fields':
      return b.items.map((i) => `- **${escapeMd(i.term)}:** ${inline(i.content)}`).join('\n');
    case 'table': {
      const head = `| ${b.head.map(escapeMd).join(' | ')} |`;
      const rule = `| ${b.head.map(() => '---').join(' | ')} |`;
      const rows = b.rows.map((cells) => `| ${cells.map(cell).join(' | ')} |`);
      return [`*${escapeMd(b.caption)}*`, '', head, rule, ...rows].join('\n');
    }
    case 'subsection':
      return [
        `${'#'.repeat(Math.min(level + 1, 6))} ${escapeMd(b.title)}`,
        ...b.blocks.map((x) => block(x, level + 1)),
      ].join('\n\n');
  }
}

/** The same document as Markdown (GitHub-flavoured tables), for repos and static sites. */
export function renderMarkdown(doc: NoticeDocument): string {
  const parts = [
    `# ${escapeMd(doc.title)} — ${escapeMd(doc.organization)}`,
    `*${doc.metaLine.map(escapeMd).join(' · ')}*`,
    `## ${escapeMd(doc.tocTitle)}`,
    doc.sections.map((s, i) => `${i + 1}. [${escapeMd(s.title)}](#${s.id})`).join('\n'),
  ];
  for (const s of doc.sections) {
    parts.push(`<a id="${s.id}"></a>\n\n## ${escapeMd(s.title)}`, ...s.blocks.map((b) => block(b, 2)));
  }
  return `${parts.join('\n\n')}\n`;
}
