import { formatDate } from '../notice/compose-notice.ts';
import type { ProgramDoc } from '../program/schema.ts';
import { esc, layout, messagePage, type PageLanguage, pageText, withLang } from './privacy-center-pages.ts';
import { complaintText, denialReasonText } from './request-mail.ts';
import type { RequestStatus, TimelineEntry } from './request-status.ts';

/**
 * The status page of one request, in the page's language: what was asked, where it stands,
 * the deadlines, what has happened and, once an access package is ready, its download.
 * `base` is the page's own path (the status link), which its links build on.
 */
export function requestStatusPage(
  doc: ProgramDoc | undefined,
  page: PageLanguage,
  status: RequestStatus,
  base: string,
): string {
  const t = pageText(page);
  const { row } = status;
  const date = (d: Date) => formatDate(d.toISOString(), page.lang);
  const time = (d: Date) => `<time datetime="${d.toISOString().slice(0, 10)}">${esc(date(d))}</time>`;
  const facts: [string, string][] = [
    [t('status.type'), esc(t(`requestType.${row.type}`))],
    [t('status.reference'), `<code>${esc(row.id)}</code>`],
    [t('status.submitted'), time(row.received_at)],
  ];
  if (status.minimisedAfterMonths !== undefined) {
    return layout(
      doc,
      page,
      t('status.closedTitle'),
      `<h1>${esc(t('status.closedTitle'))}</h1>
${definitionList(facts)}
<p>${esc(t('status.closedText', { months: status.minimisedAfterMonths }))}</p>
<p><a href="${esc(withLang('/privacy-center', page.lang))}">${esc(t('center.back'))}</a></p>`,
    );
  }
  const open = !['completed', 'denied', 'canceled'].includes(row.state);
  const stateKey =
    row.state === 'approved'
      ? 'in_progress'
      : row.state === 'verified' && row.customer_key && !row.customer_decision
        ? 'routed'
        : row.state;
  facts.push([
    t('status.current'),
    `<strong>${esc(
      t(`status.state.${stateKey as 'received'}`, {
        due: date(row.due_at),
        date: date(row.completed_at ?? row.updated_at),
      }),
    )}</strong>`,
  ]);
  if (open) {
    facts.push([t('status.answerBy'), time(row.due_at)]);
    facts.push([t('status.legalDeadline'), time(row.legal_due_at)]);
  }
  if (row.extended && row.extension_reason)
    facts.push([t('status.extension'), esc(t('status.extensionText', { reason: row.extension_reason }))]);

  const sections: string[] = [];
  if (row.state === 'verifying') {
    sections.push(`<p>${esc(t('status.verifyHow'))}</p>
<p><a href="${esc(withLang(`/privacy-center/requests/${row.id}/verify`, page.lang))}">${esc(t('status.verifyLink'))}</a></p>`);
  }
  if (status.download) {
    sections.push(`<p>${esc(t('status.downloadReady', { date: date(status.download.until) }))}</p>
<p><a class="button" href="${esc(`${base}/download`)}" download>${esc(t('status.download'))}</a></p>`);
  } else if (status.downloadEnded) {
    sections.push(
      `<p>${esc(t(status.downloadEnded.used ? 'status.downloadUsed' : 'status.downloadExpired', { date: date(status.downloadEnded.at) }))}</p>`,
    );
  }
  if (row.state === 'denied') {
    sections.push(`<h2>${esc(t('status.complaintHeading'))}</h2>
<p>${esc(complaintText(t, row, doc))}</p>`);
  }
  const entries = status.timeline.map((e) => `<li>${time(e.at)}: ${esc(entryText(e))}</li>`).join('\n');
  return layout(
    doc,
    page,
    t('status.title'),
    `<h1>${esc(t('status.title'))}</h1>
${definitionList(facts)}
${sections.join('\n')}
<h2>${esc(t('status.timeline'))}</h2>
<ol class="timeline">
${entries}
</ol>
<p><a href="${esc(withLang('/privacy-center', page.lang))}">${esc(t('center.back'))}</a></p>`,
  );

  function entryText(e: TimelineEntry): string {
    switch (e.kind) {
      case 'extended':
        return t('status.event.extended', { due: date(e.due), reason: e.reason });
      case 'denied': {
        const reason = denialReasonText(t, row);
        return `${t('status.event.denied', { reason })}${row.denial_text ? ` ${row.denial_text}` : ''}`;
      }
      default:
        return t(`status.event.${e.kind}`);
    }
  }
}

function definitionList(facts: [string, string][]): string {
  return `<dl class="facts">${facts.map(([term, value]) => `<dt>${esc(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

/** A status link that is altered, cut short, expired or names no request: the same answer for all. */
export function statusLinkInvalidPage(doc: ProgramDoc | undefined, page: PageLanguage): string {
  const t = pageText(page);
  return messagePage(doc, page, t('status.invalidTitle'), [t('status.invalidText')]);
}
