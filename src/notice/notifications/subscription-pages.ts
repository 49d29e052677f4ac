import { escapeHtml } from '../../escape-html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { createTranslator, type NoticeLanguage } from '../i18n/translator.ts';
import type { NoticeModel } from '../notice-model.ts';
import { noticeSubpage, subscribeFormHtml } from '../notice-page.ts';

/**
 * The pages of subscribing to notice changes and unsubscribing, in the notice's language and
 * look. Each works without JavaScript: links lead to a page with one button (a POST), so a mail
 * scanner that opens links confirms and unsubscribes nobody.
 */
export interface SubscriptionPageContext {
  lang: NoticeLanguage;
  controller: Pick<NoticeModel['controller'], 'name' | 'brandColor'>;
}

function page(ctx: SubscriptionPageContext, title: string, body: string): string {
  return noticeSubpage({
    lang: ctx.lang,
    organization: ctx.controller.name,
    brandColor: ctx.controller.brandColor,
    title,
    body,
  });
}

function backLink(ctx: SubscriptionPageContext): string {
  const { t } = createTranslator(ctx.lang);
  return `<p><a href="/privacy?lang=${ctx.lang}">${escapeHtml(t('subscribe.back'))}</a></p>`;
}

/** A page that says one thing: `tone` "done" for success, "problem" for what went wrong. */
export function subscriptionMessagePage(
  ctx: SubscriptionPageContext,
  titleKey: MessageKey,
  textKey: MessageKey,
  tone: 'done' | 'problem',
): string {
  const { t } = createTranslator(ctx.lang);
  const params = { org: ctx.controller.name };
  const role = tone === 'done' ? 'status' : 'alert';
  return page(
    ctx,
    t(titleKey, params),
    `<p class="${tone}" role="${role}">${escapeHtml(t(textKey, params))}</p>\n${backLink(ctx)}`,
  );
}

/** After the form: the same answer whether or not the address was already known. */
export function confirmationSentPage(ctx: SubscriptionPageContext, email: string): string {
  const { t } = createTranslator(ctx.lang);
  return page(
    ctx,
    t('subscribe.sentTitle'),
    `<p class="done" role="status">${escapeHtml(t('subscribe.sentText', { email }))}</p>\n${backLink(ctx)}`,
  );
}

/** The form again, with what was typed and what is wrong with it. */
export function subscribeFormPage(ctx: SubscriptionPageContext, email: string, error: string): string {
  const { t } = createTranslator(ctx.lang);
  return page(
    ctx,
    t('subscribe.title'),
    `${subscribeFormHtml(ctx.lang, { email, error, standalone: true })}\n${backLink(ctx)}`,
  );
}

/** Where the emailed confirmation link leads: one button. */
export function confirmPage(ctx: SubscriptionPageContext, token: string): string {
  const { t } = createTranslator(ctx.lang);
  return page(
    ctx,
    t('subscribe.confirmTitle'),
    `<p>${escapeHtml(t('subscribe.confirmText', { org: ctx.controller.name }))}</p>
<form method="post" action="/privacy/subscribe/confirm?lang=${ctx.lang}"><input type="hidden" name="t" value="${escapeHtml(token)}"><button type="submit">${escapeHtml(t('subscribe.confirmButton'))}</button></form>`,
  );
}

/** Where the unsubscribe link of a notification leads: one button. */
export function unsubscribePage(ctx: SubscriptionPageContext, token: string): string {
  const { t } = createTranslator(ctx.lang);
  return page(
    ctx,
    t('unsubscribe.title'),
    `<p>${escapeHtml(t('unsubscribe.text', { org: ctx.controller.name }))}</p>
<form method="post" action="/privacy/unsubscribe?t=${encodeURIComponent(token)}&amp;lang=${ctx.lang}"><button type="submit">${escapeHtml(t('unsubscribe.button'))}</button></form>`,
  );
}
