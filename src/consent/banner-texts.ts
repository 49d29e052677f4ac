/** The banner's own words in each language it speaks; notice names come from the program. */
export interface BannerTexts {
  title: string;
  body: string;
  accept: string;
  reject: string;
  customize: string;
  save: string;
  back: string;
  essential: string;
  essentialBody: string;
  alwaysOn: string;
  services: string;
  cookies: string;
  gpc: string;
  settings: string;
  policy: string;
}

export const rtlLanguages = new Set(['ar', 'he', 'fa', 'ur']);

export const bannerTexts: Record<string, BannerTexts> = {
  en: {
    title: 'Your privacy choices',
    body: 'We use cookies and similar tools. Essential ones keep the site working; the others run only if you allow them. You can change your mind at any time.',
    accept: 'Accept all',
    reject: 'Reject all',
    customize: 'Choose',
    save: 'Save choices',
    back: 'Back',
    essential: 'Essential',
    essentialBody: 'Needed for the site to work; always on.',
    alwaysOn: 'Always on',
    services: 'Services',
    cookies: 'Cookies',
    gpc: 'Opt-out preference signal honored',
    settings: 'Privacy choices',
    policy: 'Privacy notice',
  },
  fr: {
    title: 'Vos choix de confidentialité',
    body: 'Nous utilisons des cookies et outils similaires. Les essentiels font fonctionner le site ; les autres ne s’activent qu’avec votre accord. Vous pouvez changer d’avis à tout moment.',
    accept: 'Tout accepter',
    reject: 'Tout refuser',
    customize: 'Choisir',
    save: 'Enregistrer',
    back: 'Retour',
    essential: 'Essentiels',
    essentialBody: 'Nécessaires au fonctionnement du site ; toujours actifs.',
    alwaysOn: 'Toujours actifs',
    services: 'Services',
    cookies: 'Cookies',
    gpc: 'Signal de refus (GPC) respecté',
    settings: 'Choix de confidentialité',
    policy: 'Politique de confidentialité',
  },
  de: {
    title: 'Ihre Datenschutz-Einstellungen',
    body: 'Wir verwenden Cookies und ähnliche Techniken. Notwendige halten die Website in Betrieb; alle anderen laufen nur mit Ihrer Zustimmung. Sie können Ihre Wahl jederzeit ändern.',
    accept: 'Alle akzeptieren',
    reject: 'Alle ablehnen',
    customize: 'Auswählen',
    save: 'Auswahl speichern',
    back: 'Zurück',
    essential: 'Notwendig',
    essentialBody: 'Für den Betrieb der Website nötig; immer aktiv.',
    alwaysOn: 'Immer aktiv',
    services: 'Dienste',
    cookies: 'Cookies',
    gpc: 'Opt-out-Signal (GPC) berücksichtigt',
    settings: 'Datenschutz-Einstellungen',
    policy: 'Datenschutzerklärung',
  },
  ar: {
    title: 'خيارات الخصوصية',
    body: 'نستخدم ملفات تعريف الارتباط وأدوات مشابهة. الأساسية منها تُبقي الموقع يعمل، ولا تعمل البقية إلا بموافقتك. يمكنك تغيير رأيك في أي وقت.',
    accept: 'قبول الكل',
    reject: 'رفض الكل',
    customize: 'اختيار',
    save: 'حفظ الاختيارات',
    back: 'رجوع',
    essential: 'أساسية',
    essentialBody: 'ضرورية لعمل الموقع؛ مفعّلة دائمًا.',
    alwaysOn: 'مفعّلة دائمًا',
    services: 'الخدمات',
    cookies: 'ملفات تعريف الارتباط',
    gpc: 'تم احترام إشارة تفضيل الانسحاب',
    settings: 'خيارات الخصوصية',
    policy: 'إشعار الخصوصية',
  },
};
