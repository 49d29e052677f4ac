import type { MessageKey } from './i18n/en.ts';
import type { Translator } from './i18n/translator.ts';
import type { Block, Inline, NoticeDocument, NoticeSection } from './notice-document.ts';
import type { NoticeContact, NoticeMeta, NoticeModel } from './notice-model.ts';

export interface ComposeOptions {
  /** Base for links to the privacy center and past versions ('' gives site-relative links). */
  baseUrl?: string;
}

const cookieOrder = ['essential', 'functional', 'analytics', 'marketing', 'personalisation', 'uncategorised'];

/** A country or region code in the reader's language ("US" → "United States" / "États-Unis"). */
export function placeName(code: string, lang: string): string {
  if (code === 'EEA') return lang === 'fr' ? 'EEE' : lang === 'de' ? 'EWR' : 'EEA';
  const country = code.slice(0, 2);
  try {
    const name = new Intl.DisplayNames([lang], { type: 'region' }).of(country) ?? code;
    return code.length > 2 ? `${name} (${code})` : name;
  } catch {
    return code;
  }
}

/** An ISO date (YYYY-MM-DD) written out in the reader's language. */
export function formatDate(iso: string, lang: string): string {
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** An ISO 8601 duration (P90D, P1Y6M) in words. */
export function formatPeriod(period: string, t: Translator['t']): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(period);
  if (!match) return period;
  const units = ['Y', 'M', 'W', 'D'] as const;
  const parts: string[] = [];
  units.forEach((unit, i) => {
    const value = match[i + 1];
    if (!value) return;
    const n = Number(value);
    parts.push(t(`period.${unit}.${n === 1 ? 'one' : 'other'}` as MessageKey, { n }));
  });
  return parts.join(' ') || period;
}

function join(items: string[]): string {
  return items.join(', ');
}

function contactLines(contact: NoticeContact, t: Translator['t']): Inline[] {
  const out: Inline[] = [];
  const push = (...parts: Inline[]) => {
    if (out.length) out.push('; ');
    out.push(...parts);
  };
  if (contact.name) push(contact.name);
  if (contact.email)
    push(`${t('contact.email')}: `, { text: contact.email, href: `mailto:${contact.email}` });
  if (contact.phone) push(`${t('contact.phone')}: ${contact.phone}`);
  if (contact.address) push(`${t('contact.post')}: ${contact.address}`);
  if (contact.url) push(`${t('contact.web')}: `, { text: contact.url, href: contact.url });
  return out;
}

/**
 * Writes the notice in one language: every list and table comes from the model; only the
 * introduction and per-section notes are free text from the program.
 */
export function composeNotice(
  model: NoticeModel,
  meta: NoticeMeta,
  tr: Translator,
  options: ComposeOptions = {},
): NoticeDocument {
  const { t, lang } = tr;
  const base = options.baseUrl ?? '';
  const places = (codes: string[]) => join(codes.map((c) => placeName(c, lang)));
  const sections: NoticeSection[] = [];
  const withNote = (id: string, blocks: Block[]): Block[] => {
    const note = model.notes[id];
    return note ? [...blocks, { type: 'note', label: t('note.label'), text: note }] : blocks;
  };
  const section = (id: string, titleKey: MessageKey, blocks: Block[]) => {
    sections.push({ id, title: t(titleKey), blocks: withNote(id, blocks) });
  };
  const recipientName = new Map(model.recipients.map((r) => [r.key, r.name]));
  const retentionText = (r: NoticeModel['activities'][number]['retention']): string => {
    if (!r) return t('retention.missing');
    if (!r.period) return r.description;
    const period = formatPeriod(r.period, t);
    const rule = r.from
      ? t('retention.periodFrom', { period, from: r.from })
      : t('retention.period', { period });
    return `${r.description} (${rule})`;
  };

  if (model.introduction)
    section('introduction', 'section.introduction', [{ type: 'p', content: [model.introduction] }]);

  // Who we are
  const c = model.controller;
  const who: Block[] = [{ type: 'p', content: [t('controller.is', { name: c.legalName ?? c.name })] }];
  if (c.role === 'both') who.push({ type: 'p', content: [t('controller.alsoProcessor')] });
  if (c.role === 'processor') who.push({ type: 'p', content: [t('controller.processorOnly')] });
  const fields: { term: string; content: Inline[] }[] = [];
  if (c.legalName) fields.push({ term: t('controller.legalName'), content: [c.legalName] });
  if (c.registrationNumber)
    fields.push({ term: t('controller.registration'), content: [c.registrationNumber] });
  for (const a of c.addresses) fields.push({ term: t('controller.address'), content: [a] });
  if (c.website)
    fields.push({ term: t('controller.website'), content: [{ text: c.website, href: c.website }] });
  fields.push({ term: t('controller.privacy'), content: contactLines(c.privacy, t) });
  if (c.dpo) fields.push({ term: t('controller.dpo'), content: contactLines(c.dpo, t) });
  if (c.euRepresentative)
    fields.push({ term: t('controller.euRep'), content: contactLines(c.euRepresentative, t) });
  if (c.ukRepresentative)
    fields.push({ term: t('controller.ukRep'), content: contactLines(c.ukRepresentative, t) });
  who.push({ type: 'fields', items: fields });
  section('controller', 'section.controller', who);

  // What we collect and why: one table per activity
  const collection: Block[] = [{ type: 'p', content: [t('collection.intro')] }];
  for (const a of model.activities) {
    const basis =
      a.legalBases.length === 0
        ? t('activity.basisMissing')
        : a.legalBases
            .map((b) =>
              b.subject
                ? t('basis.forSubject', {
                    subject: b.subject.label,
                    basis: t(`basis.${b.basis}` as MessageKey),
                  })
                : t(`basis.${b.basis}` as MessageKey),
            )
            .join('; ');
    const rows: Inline[][][] = [[[t('field.purpose')], [a.purpose]]];
    if (a.description) rows.push([[t('field.description')], [a.description]]);
    rows.push(
      [[t('field.categories')], [join(a.categories.map((x) => x.label))]],
      [
        [t('field.subjects')],
        [a.subjects.length ? join(a.subjects.map((x) => x.label)) : t('activity.noLocations')],
      ],
      ...(a.asProcessor ? [] : [[[t('field.basis')], [basis]] as Inline[][]]),
      [[t('field.retention')], [retentionText(a.retention)]],
    );
    if (a.source) rows.push([[t('field.source')], [a.source]]);
    rows.push(
      [[t('field.locations')], [a.locations.length ? places(a.locations) : t('activity.noLocations')]],
      [
        [t('field.recipients')],
        [
          a.recipients.length
            ? join(a.recipients.map((k) => recipientName.get(k) ?? k))
            : t('activity.noRecipients'),
        ],
      ],
    );
    const blocks: Block[] = [];
    const flags: string[] = [];
    if (a.asProcessor) flags.push(t('activity.asProcessor'));
    if (a.soldOrShared) flags.push(t('activity.soldOrShared'));
    if (a.automatedDecisionMaking) flags.push(t('activity.automated'));
    for (const f of flags) blocks.push({ type: 'p', content: [f] });
    blocks.push({
      type: 'table',
      caption: t('activity.caption', { name: a.name }),
      head: [t('field.aspect'), t('field.details')],
      rows,
    });
    collection.push({ type: 'subsection', id: `activity-${a.key}`, title: a.name, blocks });
  }
  section('collection', 'section.collection', collection);

  // Retention summary
  section('retention', 'section.retention', [
    { type: 'p', content: [t('retention.intro')] },
    {
      type: 'table',
      caption: t('retention.caption'),
      head: [t('retention.activity'), t('retention.rule')],
      rows: model.activities.map((a) => [[a.name], [retentionText(a.retention)]]),
    },
  ]);

  // Recipients
  const safeguard = (r: NoticeModel['recipients'][number]): string => {
    if (r.thirdCountries.length === 0 && (!r.transferMechanism || r.transferMechanism === 'none'))
      return t('transfer.notNeeded');
    if (!r.transferMechanism || r.transferMechanism === 'none') return t('transfer.missing');
    return t(`mechanism.${r.transferMechanism}` as MessageKey);
  };
  section(
    'recipients',
    'section.recipients',
    model.recipients.length === 0
      ? [{ type: 'p', content: [t('recipients.none')] }]
      : [
          { type: 'p', content: [t('recipients.intro')] },
          {
            type: 'table',
            caption: t('recipients.caption'),
            head: [
              t('recipients.name'),
              t('recipients.service'),
              t('recipients.role'),
              t('recipients.locations'),
              t('recipients.safeguard'),
            ],
            rows: model.recipients.map((r) => [
              r.url ? [{ text: r.name, href: r.url }] : [r.name],
              [`${r.service}: ${r.purpose}`],
              [
                t(`role.${r.role}` as MessageKey) +
                  (r.parent
                    ? ` (${t('recipients.via', { parent: recipientName.get(r.parent) ?? r.parent })})`
                    : ''),
              ],
              [places(r.locations)],
              [safeguard(r)],
            ]),
          },
        ],
  );

  // Transfers
  const abroad = model.recipients.filter((r) => r.thirdCountries.length > 0);
  section(
    'transfers',
    'section.transfers',
    abroad.length === 0
      ? [{ type: 'p', content: [t('transfers.none')] }]
      : [
          { type: 'p', content: [t('transfers.intro')] },
          {
            type: 'list',
            items: abroad.map((r) => [
              t('transfers.item', {
                name: r.name,
                locations: places(r.thirdCountries),
                safeguard: safeguard(r),
              }),
            ]),
          },
        ],
  );

  // Cookies, grouped by category
  const cookieBlocks: Block[] = [];
  if (model.cookies.length === 0) cookieBlocks.push({ type: 'p', content: [t('cookies.none')] });
  else {
    cookieBlocks.push(
      { type: 'p', content: [t('cookies.intro')] },
      { type: 'p', content: [{ text: t('cookies.change'), href: `${base}/privacy-center/preferences` }] },
    );
    for (const category of cookieOrder) {
      const list = model.cookies.filter((k) => k.category === category);
      if (list.length === 0) continue;
      const name = t(`cookieCategory.${category}` as MessageKey);
      cookieBlocks.push({
        type: 'subsection',
        id: `cookies-${category}`,
        title: name,
        blocks: [
          {
            type: 'p',
            content: [t(category === 'essential' ? 'cookies.essentialIntro' : 'cookies.optionalIntro')],
          },
          {
            type: 'table',
            caption: t('cookies.caption', { category: name }),
            head: [t('cookies.name'), t('cookies.provider'), t('cookies.purpose'), t('cookies.duration')],
            rows: list.map((k) => [
              [k.isPattern ? t('cookies.pattern', { name: k.name }) : k.name],
              [k.party === 'third' ? `${k.provider} (${t('cookies.thirdParty')})` : k.provider],
              [k.purpose],
              [k.duration ?? t('cookies.durationMissing')],
            ]),
          },
        ],
      });
    }
  }
  section('cookies', 'section.cookies', cookieBlocks);

  // Rights
  const r = model.rights;
  const rights: Block[] = [
    { type: 'p', content: [t('rights.intro')] },
    { type: 'list', items: r.offered.map((x) => [t(`right.${x}` as MessageKey)]) },
    {
      type: 'p',
      content: [`${t('rights.how')} `, { text: t('rights.centerLink'), href: `${base}/privacy-center` }],
    },
  ];
  const channels = r.channels.filter((ch) => ch.type !== 'web' || ch.value);
  if (channels.length) {
    rights.push(
      { type: 'p', content: [t('rights.channels')] },
      {
        type: 'list',
        items: channels.map((ch): Inline[] => {
          const label = `${t(`channel.${ch.type}` as MessageKey)}: `;
          if (ch.type === 'email' && ch.value) return [label, { text: ch.value, href: `mailto:${ch.value}` }];
          return [label + (ch.value ?? '')];
        }),
      },
    );
  }
  rights.push(
    { type: 'p', content: [t('rights.verify')] },
    { type: 'p', content: [t(`rights.fee.${r.fee}`)] },
  );
  const deadlines: Inline[][] = [];
  for (const d of r.deadlines) {
    deadlines.push([t(`deadline.${d.jurisdiction}` as MessageKey)]);
    if (d.own) deadlines.push([t('deadline.own', { days: d.own })]);
  }
  const uniqueDeadlines = deadlines.filter(
    (d, i) => deadlines.findIndex((e) => JSON.stringify(e) === JSON.stringify(d)) === i,
  );
  rights.push({ type: 'list', items: uniqueDeadlines });
  if (r.accessLimitPerYear)
    rights.push({ type: 'p', content: [t('rights.accessLimit', { n: r.accessLimitPerYear })] });
  if (r.authorizedAgents) rights.push({ type: 'p', content: [t('rights.agents')] });
  if (r.processorRouting) {
    rights.push({
      type: 'p',
      content: [t('rights.routing', { subjects: join(r.processorRouting.subjects.map((s) => s.label)) })],
    });
    if (r.processorRouting.instructions)
      rights.push({ type: 'p', content: [r.processorRouting.instructions] });
  }
  const authority = model.authority;
  rights.push({ type: 'p', content: [t('rights.complaint', { authority: authority.name })] });
  if (authority.url)
    rights.push({
      type: 'p',
      content: [{ text: t('rights.complaintLink', { authority: authority.name }), href: authority.url }],
    });
  section('rights', 'section.rights', rights);

  // California
  const ca = model.california;
  if (ca) {
    const blocks: Block[] = [
      { type: 'p', content: [t('california.intro')] },
      { type: 'p', content: [t('california.categories')] },
      { type: 'list', items: ca.categories.map((x) => [x.label]) },
      { type: 'p', content: [t('california.sources')] },
      ca.sources.length
        ? { type: 'list', items: ca.sources.map((s) => [s]) }
        : { type: 'p', content: [t('california.sourcesNone')] },
      { type: 'p', content: [t('california.purposes')] },
      { type: 'list', items: ca.purposes.map((p) => [p]) },
    ];
    if (ca.soldOrSharedCategories.length === 0)
      blocks.push({ type: 'p', content: [t('california.notSold')] });
    else
      blocks.push(
        { type: 'p', content: [t('california.sold')] },
        { type: 'list', items: ca.soldOrSharedCategories.map((x) => [x.label]) },
      );
    const caRights: MessageKey[] = [
      'california.right.know',
      'california.right.delete',
      'california.right.correct',
    ];
    if (ca.soldOrSharedCategories.length || r.offered.includes('opt_out_sale'))
      caRights.push('california.right.optOut');
    if (r.offered.includes('limit_sensitive')) caRights.push('california.right.limit');
    caRights.push('california.right.nonDiscrimination');
    blocks.push(
      { type: 'p', content: [t('california.rights')] },
      { type: 'list', items: caRights.map((k) => [t(k)]) },
      {
        type: 'p',
        content: [`${t('rights.how')} `, { text: t('rights.centerLink'), href: `${base}/privacy-center` }],
      },
    );
    if (ca.accessLimitPerYear)
      blocks.push({ type: 'p', content: [t('california.accessLimit', { n: ca.accessLimitPerYear })] });
    blocks.push({
      type: 'p',
      content: [
        t(
          ca.honorsGpc
            ? 'california.gpc'
            : ca.soldOrSharedCategories.length
              ? 'california.noGpc'
              : 'california.noGpcNoSale',
        ),
      ],
    });
    if (ca.authorizedAgents) blocks.push({ type: 'p', content: [t('california.agents')] });
    blocks.push({ type: 'p', content: [t('california.deadline')] });
    if (ca.ownDeadlineDays)
      blocks.push({ type: 'p', content: [t('deadline.own', { days: ca.ownDeadlineDays })] });
    section('california', 'section.california', blocks);
  }

  // Notes whose id names no section still say something the program holds: show them, never drop them.
  const known = new Set([...sections.map((x) => x.id), 'introduction', 'california', 'changes']);
  const loose = Object.entries(model.notes).filter(([id]) => !known.has(id));
  if (loose.length) {
    sections.push({
      id: 'more',
      title: t('section.more'),
      blocks: loose.map(([, text]) => ({ type: 'p', content: [text] })),
    });
  }

  // Changes and version
  const changes: Block[] = [{ type: 'p', content: [t('changes.text')] }];
  if (meta.version !== undefined && meta.effectiveDate) {
    changes.push(
      {
        type: 'p',
        content: [
          t('changes.current', { version: meta.version, date: formatDate(meta.effectiveDate, lang) }),
        ],
      },
      ...(meta.version > 1
        ? [
            {
              type: 'p' as const,
              content: [
                {
                  text: t('changes.history'),
                  href: `${base}/privacy/diff?from=${meta.version - 1}&to=${meta.version}&lang=${lang}`,
                },
              ],
            },
          ]
        : []),
    );
  } else changes.push({ type: 'p', content: [t('changes.preview')] });
  section('changes', 'section.changes', changes);

  const metaLine: string[] = [
    meta.version !== undefined ? t('meta.version', { version: meta.version }) : t('meta.preview'),
  ];
  if (meta.effectiveDate) metaLine.push(t('meta.effective', { date: formatDate(meta.effectiveDate, lang) }));
  if (meta.lastUpdated) metaLine.push(t('meta.updated', { date: formatDate(meta.lastUpdated, lang) }));

  const doc: NoticeDocument = {
    lang,
    title: t('notice.title'),
    organization: c.name,
    metaLine,
    tocTitle: t('toc.title'),
    skipLink: t('skip.link'),
    sections,
  };
  if (c.brandColor) doc.brandColor = c.brandColor;
  if (c.logoUrl) doc.logoUrl = c.logoUrl;
  return doc;
}
