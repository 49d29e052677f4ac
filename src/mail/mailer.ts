import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** `transactional` mail is always sent; `marketing` mail is subject to suppression. */
  kind?: 'transactional' | 'marketing';
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  accepted: boolean;
  /** Why it was not accepted (SMTP error), when not. */
  error?: string;
}

/** Sends mail. The server builds one from SMTP_URL; tests point it at an in-process SMTP server. */
export interface Mailer {
  send(message: MailMessage): Promise<SendResult>;
}

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`). */
  url: string;
  from: string;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          headers: { 'X-Custodian-Kind': message.kind ?? 'transactional', ...(message.headers ?? {}) },
        });
        return { messageId: String(info.messageId), accepted: info.accepted.length > 0 };
      } catch (err) {
        return { messageId: '', accepted: false, error: (err as Error).message };
      }
    },
  };
}

/**
 * Without SMTP configured, mail is written to the server log so a local set-up still shows
 * what would be sent (codes, links); it is reported as not delivered.
 */
export function createLogMailer(log: (line: string) => void = (l) => console.log(l)): Mailer {
  return {
    async send(message) {
      log(
        `[mail not sent: SMTP_URL is not set] to=${message.to} subject="${message.subject}"\n${message.text}`,
      );
      return { messageId: '', accepted: false, error: 'SMTP_URL is not set' };
    },
  };
}

export function mailerFromEnv(env: NodeJS.ProcessEnv): Mailer {
  return env.SMTP_URL
    ? createSmtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Custodian <privacy@localhost>' })
    : createLogMailer();
}
