/** The configuration `GET /consent/config` returns (see src/consent/banner-config.ts). */
export interface Config {
  site: string;
  version: number;
  lang: string;
  dir: 'ltr' | 'rtl';
  jurisdiction: string | null;
  texts: Record<
    | 'title'
    | 'body'
    | 'accept'
    | 'reject'
    | 'customize'
    | 'save'
    | 'back'
    | 'essential'
    | 'essentialBody'
    | 'alwaysOn'
    | 'services'
    | 'cookies'
    | 'gpc'
    | 'settings'
    | 'policy',
    string
  >;
  essential: string[];
  categories: Category[];
  wording_hash: string;
  gpc: boolean;
  policy_url: string;
}

export interface Category {
  key: string;
  category: string;
  name: string;
  description: string;
  mechanism: 'opt_in' | 'opt_out' | 'notice_only';
  gpc: boolean;
  services: { key: string; name: string; cookies: string[] }[];
  cookies: string[];
}

/** What the browser remembers: the notice version answered, the device, the choices. */
export interface Saved {
  /** Notice version. */
  v: number;
  /** Device id (the ledger subject is `device:<d>`). */
  d: string;
  /** Notice key → granted. */
  c: Record<string, boolean>;
  /** Services switched off inside granted categories. */
  x: string[];
  /** GPC was honoured. */
  g?: boolean;
  /** Signed receipt from the server, once the ledger has the choice. */
  r?: string;
}

declare global {
  interface Window {
    dataLayer?: unknown[];
    gtag?: (...args: unknown[]) => void;
    Custodian?: {
      open(): void;
      withdraw(): void;
      allowed(category: string): boolean;
    };
  }
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}
