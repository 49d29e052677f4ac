import type { Services } from '../http/services.ts';
import { formatDate } from '../notice/compose-notice.ts';
import { createTranslator, type NoticeLanguage, type Translator } from '../notice/i18n/translator.ts';
import { mailLanguage, programNoticeLanguages } from '../notice/notice-languages.ts';
import type { ProgramDoc } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { recordRequestEvent, systemActor } from './record-transition.ts';
import type { RequestRow } from './request-record.ts';
import { statusUrl } from './request-status.ts';
import { type DenialReason, denialReasons } from './request-types.ts';

/** A message to the person (or their agent, or a business customer) about their request. */
export interface RequestMail {
  /** The language it is written in; a mail to the person then ends with their status link. */
  lang?: NoticeLanguage;
  kind: string;
  subject: string;
  text: string;
}

/** The language of every mail to the person about this request (see `mailLanguage`). */
export function requestMailLanguage(
  row: Pick<RequestRow, 'lang'>,
  doc: ProgramDoc | undefined,
): NoticeLanguage {
  return mailLanguage(row.lang, doc ? programNoticeLanguages(doc) : ['en']);
}

/**
 * The texts of one request's mails: its language's translator, its dates written out in that
 * language, the request as the person knows it, and the signature.
 */
function writer(row: RequestRow, doc: ProgramDoc | undefined) {
  const lang = requestMailLanguage(row, doc);
  const { t } = createTranslator(lang);
  const date = (d: Date) => formatDate(d.toISOString(), lang);
  const org = doc?.organization.name;
  const email = doc?.organization.contacts.privacy.email;
  const signature = `\n\n${org ? t('requestMail.signature', { org }) : t('requestMail.signatureNoOrg')}${email ? ` (${email})` : ''}`;
  const what = t('requestMail.what', { type: t(`requestType.${row.type}`), id: row.id });
  return { lang, t, date, signature, what };
}

export function receivedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, date, signature, what } = writer(row, doc);
  return {
    lang,
    kind: 'received',
    subject: t('requestMail.receivedSubject'),
    text: `${t('requestMail.receivedText', { what, date: date(row.received_at), due: date(row.due_at) })}${signature}`,
  };
}

export function codeMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  code: string,
  link: string,
  minutes: number,
): RequestMail {
  const { lang, t, signature, what } = writer(row, doc);
  const agent = row.agent
    ? `${t('requestMail.codeAgent', { name: String(row.agent.name), email: String(row.agent.email) })}\n\n`
    : '';
  return {
    lang,
    kind: 'verification_code',
    subject: t('requestMail.codeSubject', { code }),
    text: `${agent}${t('requestMail.codeText', { what, code, link, minutes })}${signature}`,
  };
}

export function verifiedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, date, signature, what } = writer(row, doc);
  return {
    lang,
    kind: 'verified',
    subject: t('requestMail.verifiedSubject'),
    text: `${t('requestMail.verifiedText', { what, due: date(row.due_at) })}${signature}`,
  };
}

export function extendedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, date, signature, what } = writer(row, doc);
  return {
    lang,
    kind: 'extended',
    subject: t('requestMail.extendedSubject'),
    text:
      `${t('requestMail.extendedText', { what })}\n${t('requestMail.reason', { reason: row.extension_reason ?? '' })}\n` +
      `${t('requestMail.answerBy', { due: date(row.due_at) })}${signature}`,
  };
}

/** The reason of a denial as the person is told it: the closed list's wording, or the reviewer's. */
export function denialReasonText(t: Translator['t'], row: Pick<RequestRow, 'denial_reason'>): string {
  return (denialReasons as readonly string[]).includes(row.denial_reason ?? '')
    ? t(`denial.${row.denial_reason as DenialReason}`)
    : (row.denial_reason ?? '');
}

/** Where the person can complain about a denial: the supervisory authority, or California's. */
export function complaintText(
  t: Translator['t'],
  row: Pick<RequestRow, 'jurisdiction'>,
  doc: ProgramDoc | undefined,
): string {
  const authority = doc?.organization.supervisory_authority;
  return row.jurisdiction === 'ccpa'
    ? t('requestMail.complaintCcpa')
    : authority
      ? t('requestMail.complaintAuthority', {
          authority: `${authority.name}${authority.url ? ` (${authority.url})` : ''}`,
        })
      : t('requestMail.complaint');
}

export function deniedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, signature, what } = writer(row, doc);
  const reason = denialReasonText(t, row);
  const complaint = complaintText(t, row, doc);
  return {
    lang,
    kind: 'denied',
    subject: t('requestMail.deniedSubject'),
    text: `${t('requestMail.deniedText', { what })}\n${t('requestMail.reason', { reason })}.\n${row.denial_text ?? ''}\n\n${complaint}${signature}`,
  };
}

export function canceledMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, signature } = writer(row, doc);
  return {
    lang,
    kind: 'canceled',
    subject: t('requestMail.canceledSubject'),
    text: `${t('requestMail.canceledText', { type: t(`requestType.${row.type}`), id: row.id })}${signature}`,
  };
}

export function failedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { lang, t, date, signature, what } = writer(row, doc);
  return {
    lang,
    kind: 'failed',
    subject: t('requestMail.failedSubject'),
    text: `${t('requestMail.failedText', { what, due: date(row.due_at) })}${signature}`,
  };
}

export function accessReadyMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  link: string,
  expiresAt: Date,
): RequestMail {
  const { lang, t, date, signature, what } = writer(row, doc);
  return {
    lang,
    kind: 'completed',
    subject: t('requestMail.accessSubject'),
    text: `${t('requestMail.accessText', { what, date: date(expiresAt), link })}${signature}`,
  };
}

/** What a completed request did, as its mail says it. */
export type DoneSummary =
  | { kind: 'erased' | 'corrected'; rows: number }
  | { kind: 'nothingFound' | 'recorded' };

const summaryKeys = {
  erased: 'requestMail.doneErased',
  corrected: 'requestMail.doneCorrected',
  nothingFound: 'requestMail.doneNothingFound',
  recorded: 'requestMail.doneRecorded',
} as const;

export function doneMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  summary: DoneSummary,
  recipients: readonly string[],
): RequestMail {
  const { lang, t, signature, what } = writer(row, doc);
  const notified = recipients.length
    ? `\n\n${t('requestMail.doneRecipients', { recipients: recipients.join(', ') })}`
    : '';
  const did = t(summaryKeys[summary.kind], 'rows' in summary ? { rows: summary.rows } : undefined);
  return {
    lang,
    kind: 'completed',
    subject: t('requestMail.doneSubject'),
    text: `${t('requestMail.doneText', { what })}\n${did}${notified}${signature}`,
  };
}

/** Tells the person their request went to the business customer that controls their data. */
export function routedMail(row: RequestRow, doc: ProgramDoc, customer: string): RequestMail {
  const { lang, t } = writer(row, doc);
  return {
    lang,
    kind: 'routed',
    subject: t('requestMail.routedSubject'),
    text: t('requestMail.routedText', { customer, org: doc.organization.name, id: row.id }),
  };
}

/**
 * Sends one message and records it in the request's history (subject only, never the code).
 * A mail to the person ends with the link to their request's status page.
 */
export async function sendRequestMail(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  mail: RequestMail,
  now: Date,
  to: string = row.contact_email,
): Promise<boolean> {
  const status =
    mail.lang && to === row.contact_email
      ? `\n\n${createTranslator(mail.lang).t('requestMail.statusLink', { link: await statusUrl(scope, services, row) })}`
      : '';
  const sent = await services.mailer.send({
    to,
    subject: mail.subject,
    text: `${mail.text}${status}`,
    kind: 'transactional',
  });
  await recordRequestEvent(
    scope,
    row.id,
    {
      kind: 'email',
      actor: systemActor,
      details: {
        mail: mail.kind,
        subject: mail.kind === 'verification_code' ? 'Your verification code' : mail.subject,
        to: to === row.contact_email ? 'data_subject' : to,
        delivered: sent.accepted,
        ...(sent.error ? { error: sent.error } : {}),
      },
      audit: false,
    },
    now,
  );
  return sent.accepted;
}
