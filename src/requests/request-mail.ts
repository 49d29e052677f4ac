import type { Services } from '../http/services.ts';
import type { ProgramDoc } from '../program/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { recordRequestEvent, systemActor } from './record-transition.ts';
import type { RequestRow } from './request-record.ts';
import { type DenialReason, denialReasonLabels, requestTypeLabels } from './request-types.ts';

/** A message to the person (or their agent, or a business customer) about their request. */
export interface RequestMail {
  kind: string;
  subject: string;
  text: string;
}

function dateText(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function signature(doc: ProgramDoc | undefined): string {
  const name = doc?.organization.name ?? 'The privacy team';
  const email = doc?.organization.contacts.privacy.email;
  return `\n\n— ${name} privacy team${email ? ` (${email})` : ''}`;
}

function what(row: RequestRow): string {
  return `your request "${requestTypeLabels[row.type]}" (reference ${row.id})`;
}

export function receivedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  return {
    kind: 'received',
    subject: 'We received your privacy request',
    text: `We received ${what(row)} on ${dateText(row.received_at)}.\nWe will answer by ${dateText(row.due_at)}.${signature(doc)}`,
  };
}

export function codeMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  code: string,
  link: string,
  minutes: number,
): RequestMail {
  return {
    kind: 'verification_code',
    subject: `Your verification code: ${code}`,
    text:
      `To confirm ${what(row)}, enter this code on the page where you made it:\n\n    ${code}\n\n` +
      `or open this link:\n${link}\n\nThe code expires in ${minutes} minutes. If you did not make this request, ignore this message.${signature(doc)}`,
  };
}

export function verifiedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  return {
    kind: 'verified',
    subject: 'Your identity is verified',
    text: `Thank you: we verified your identity for ${what(row)}. We will answer by ${dateText(row.due_at)}.${signature(doc)}`,
  };
}

export function extendedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  return {
    kind: 'extended',
    subject: 'We need more time for your privacy request',
    text:
      `We need more time to answer ${what(row)}, as the law allows.\nReason: ${row.extension_reason}\n` +
      `We will answer by ${dateText(row.due_at)}.${signature(doc)}`,
  };
}

export function deniedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  const authority = doc?.organization.supervisory_authority;
  const reason = denialReasonLabels[row.denial_reason as DenialReason] ?? row.denial_reason;
  const complaint =
    row.jurisdiction === 'ccpa'
      ? 'You may contact the California Privacy Protection Agency or the California Attorney General.'
      : `You have the right to lodge a complaint with a supervisory authority${authority ? `, such as ${authority.name}${authority.url ? ` (${authority.url})` : ''}` : ''}, and to seek a judicial remedy.`;
  return {
    kind: 'denied',
    subject: 'We cannot act on your privacy request',
    text: `We are not able to act on ${what(row)}.\nReason: ${reason}.\n${row.denial_text ?? ''}\n\n${complaint}${signature(doc)}`,
  };
}

export function canceledMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  return {
    kind: 'canceled',
    subject: 'Your privacy request was canceled',
    text: `${what(row)} was canceled.${signature(doc)}`,
  };
}

export function failedMail(row: RequestRow, doc: ProgramDoc | undefined): RequestMail {
  return {
    kind: 'failed',
    subject: 'Your privacy request is delayed',
    text: `We could not finish ${what(row)} yet; we are retrying and will answer by ${dateText(row.due_at)}.${signature(doc)}`,
  };
}

export function accessReadyMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  link: string,
  expiresAt: Date,
): RequestMail {
  return {
    kind: 'completed',
    subject: 'Your personal data is ready to download',
    text:
      `We completed ${what(row)}. Download your data here (the link works once and expires on ${dateText(expiresAt)}):\n${link}\n` +
      `The package holds a readable page and machine-readable files (JSON, CSV).${signature(doc)}`,
  };
}

export function doneMail(
  row: RequestRow,
  doc: ProgramDoc | undefined,
  summary: string,
  recipients: readonly string[],
): RequestMail {
  const notified = recipients.length
    ? `\n\nWe informed the recipients of your data of this change: ${recipients.join(', ')}.`
    : '';
  return {
    kind: 'completed',
    subject: 'Your privacy request is complete',
    text: `We completed ${what(row)}.\n${summary}${notified}${signature(doc)}`,
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
