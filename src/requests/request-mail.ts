import type { Services } from '../http/services.ts';
import { formatDate } from '../notice/compose-notice.ts';
import { createTranslator, type NoticeLanguage } from '../notice/i18n/translator.ts';
import { mailLanguage, programNoticeLanguages } from '../notice/notice-languages.ts';
import type { ProgramDoc } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { recordRequestEvent, systemActor } from './record-transition.ts';
import type { RequestRow } from './request-record.ts';
import { type DenialReason, denialReasons } from './request-types.ts';

/** A message to the person (or their agent, or a business customer) about their request. */
export interface RequestMail {
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
  const { t, date, signature, what } = writer(row, doc);
  return {
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
  const { t, signature, what } = writer(row, doc);
  const agent = row.agent
    ? `${t('requestMail.codeAgent', { name: String(row.agent.name), email: String(row.agent.email) })}\n\n`
    : '';
  return {
    kind: 'verification_code',
    subject: t('requestMail.codeSubject', { code }),
    text: `${agent}${t('requestMail.codeText', { what, code, link, minutes })}${signature}`,
  };
}

export function verifiedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { t, date, signature, what } = writer(row, doc);
  return {
    kind: 'verified',
    subject: t('requestMail.verifiedSubject'),
    text: `${t('requestMail.verifiedText', { what, due: date(row.due_at) })}${signature}`,
  };
}

export function extendedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { t, date, signature, what } = writer(row, doc);
  return {
    kind: 'extended',
    subject: t('requestMail.extendedSubject'),
    text:
      `${t('requestMail.extendedText', { what })}\n${t('requestMail.reason', { reason: row.extension_reason ?? '' })}\n` +
      `${t('requestMail.answerBy', { due: date(row.due_at) })}${signature}`,
  };
}

export function deniedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { t, signature, what } = writer(row, doc);
  const authority = doc?.organization.supervisory_authority;
  const reason = (denialReasons as readonly string[]).includes(row.denial_reason ?? '')
    ? t(`denial.${row.denial_reason as DenialReason}`)
    : (row.denial_reason ?? '');
  const complaint =
    row.jurisdiction === 'ccpa'
      ? t('requestMail.complaintCcpa')
      : authority
        ? t('requestMail.complaintAuthority', {
            authority: `${authority.name}${authority.url ? ` (${authority.url})` : ''}`,
          })
        : t('requestMail.complaint');
  return {
    kind: 'denied',
    subject: t('requestMail.deniedSubject'),
    text: `${t('requestMail.deniedText', { what })}\n${t('requestMail.reason', { reason })}.\n${row.denial_text ?? ''}\n\n${complaint}${signature}`,
  };
}

export function canceledMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { t, signature } = writer(row, doc);
  return {
    kind: 'canceled',
    subject: t('requestMail.canceledSubject'),
    text: `${t('requestMail.canceledText', { type: t(`requestType.${row.type}`), id: row.id })}${signature}`,
  };
}

export function failedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const { t, date, signature, what } = writer(row, doc);
  return {
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
  const { t, date, signature, what } = writer(row, doc);
  return {
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
  const { t, signature, what } = writer(row, doc);
  const notified = recipients.length
    ? `\n\n${t('requestMail.doneRecipients', { recipients: recipients.join(', ') })}`
    : '';
  const did = t(summaryKeys[summary.kind], 'rows' in summary ? { rows: summary.rows } : undefined);
  return {
    kind: 'completed',
    subject: t('requestMail.doneSubject'),
    text: `${t('requestMail.doneText', { what })}\n${did}${notified}${signature}`,
  };
}

/** Tells the person their request went to the business customer that controls their data. */
export function routedMail(row: RequestRow, doc: ProgramDoc, customer: string): RequestMail {
  const { t } = writer(row, doc);
  return {
    kind: 'routed',
    subject: t('requestMail.routedSubject'),
    text: t('requestMail.routedText', { customer, org: doc.organization.name, id: row.id }),
  };
}

/** Sends one message and records it in the request's history (subject only, never the code). */
export async function sendRequestMail(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  mail: RequestMail,
  now: Date,
  to: string = row.contact_email,
): Promise<boolean> {
  const sent = await services.mailer.send({
    to,
    subject: mail.subject,
    text: mail.text,
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
