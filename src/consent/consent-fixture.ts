import type { ProgramInput } from '../program/schema.ts';

/**
 * A small program for consent tests and the benchmark: analytics and marketing cookies by
 * opt-in, a CCPA sale/sharing opt-out that honours GPC, a newsletter, and activities on
 * contract and legitimate interests that need no consent.
 */
export function consentFixtureProgram(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return {
    organization: {
      name: 'Example Ltd',
      contacts: { privacy: { email: 'privacy@example.test' } },
      supervisory_authority: { name: 'ICO' },
    },
    jurisdictions: [{ code: 'gdpr' }, { code: 'ccpa' }],
    activities: [
      {
        key: 'service',
        name: 'Provide the service',
        data_categories: ['user.contact.email'],
        data_use: 'essential.service',
        purpose: 'Run accounts',
        legal_basis: 'contract',
      },
      {
        key: 'analytics',
        name: 'Website analytics',
        data_categories: ['user.device.cookie_id'],
        data_use: 'analytics.reporting',
        purpose: 'Measure use of the website',
        legal_basis: 'consent',
        consent_notice: 'analytics',
      },
      {
        key: 'ads',
        name: 'Targeted advertising',
        data_categories: ['user.device.cookie_id'],
        data_use: 'marketing.advertising.third_party.targeted',
        purpose: 'Show relevant ads elsewhere',
        legal_basis: 'consent',
        sold_or_shared: true,
        consent_notice: 'marketing',
      },
      {
        key: 'newsletter',
        name: 'Newsletter',
        data_categories: ['user.contact.email'],
        data_use: 'marketing.communications.email',
        purpose: 'Send news by e-mail',
        legal_basis: 'consent',
        consent_notice: 'newsletter',
      },
      {
        key: 'improve',
        name: 'Improve the product',
        data_categories: ['user.device.cookie_id'],
        data_use: 'essential.service.operations.improve',
        purpose: 'Fix bugs',
        legal_basis: 'legitimate_interests',
      },
    ],
    cookies: [
      { name: 'session', provider: 'Example', purpose: 'Keeps you signed in', category: 'essential' },
      {
        name: '_ga',
        provider: 'Google',
        purpose: 'Counts visits',
        category: 'analytics',
        service: 'google_analytics',
        party: 'third',
      },
      {
        name: '_gid',
        provider: 'Google',
        purpose: 'Counts visits per day',
        category: 'analytics',
        service: 'google_analytics',
        party: 'third',
      },
      {
        name: '_hjid',
        provider: 'Hotjar',
        purpose: 'Heatmaps',
        category: 'analytics',
        service: 'hotjar',
        party: 'third',
      },
      {
        name: 'ad_id',
        provider: 'AdNet',
        purpose: 'Targeted ads',
        category: 'marketing',
        service: 'adnet',
        party: 'third',
      },
    ],
    consent_notices: [
      {
        key: 'analytics',
        name: 'Analytics',
        description: 'Counts visits and measures how the site is used.',
        data_uses: ['analytics.reporting'],
        cookie_category: 'analytics',
      },
      {
        key: 'marketing',
        name: 'Marketing',
        description: 'Ads on other sites based on your visits here (sharing with ad partners).',
        data_uses: ['marketing.advertising.third_party.targeted'],
        cookie_category: 'marketing',
        honors_gpc: true,
      },
      {
        key: 'newsletter',
        name: 'Newsletter',
        description: 'News and offers by e-mail.',
        data_uses: ['marketing.communications.email'],
      },
    ],
    rights: { offered: ['access', 'erasure', 'objection', 'opt_out_sale'] },
    ...overrides,
  };
}
