/**
 * English notice texts: the reference set. Every key exists here; other languages fall back
 * to these texts key by key, and the renderer reports each key it had to fall back on.
 * `{name}` placeholders are filled by the renderer.
 */
export const en = {
  'notice.title': 'Privacy notice',
  'meta.version': 'Version {version}',
  'meta.preview': 'Preview (not published)',
  'meta.effective': 'Effective {date}',
  'meta.updated': 'Last updated {date}',
  'toc.title': 'Contents',
  'note.label': 'Note',
  'skip.link': 'Skip to the notice',

  'section.introduction': 'Introduction',
  'section.controller': 'Who we are and how to contact us',
  'controller.is': '{name} is the controller of the personal data described in this notice.',
  'controller.alsoProcessor':
    'When we host or process data for our business customers, each customer is the controller and we act as its processor.',
  'controller.processorOnly':
    'We process personal data on behalf of our business customers, who are the controllers of that data.',
  'controller.legalName': 'Legal name',
  'controller.registration': 'Company registration',
  'controller.address': 'Address',
  'controller.website': 'Website',
  'controller.privacy': 'Privacy team',
  'controller.dpo': 'Data Protection Officer',
  'controller.euRep': 'Representative in the EU',
  'controller.ukRep': 'Representative in the UK',
  'contact.email': 'Email',
  'contact.phone': 'Phone',
  'contact.post': 'Post',
  'contact.web': 'Web',

  'section.collection': 'What we collect and why',
  'collection.intro':
    'For each thing we do with personal data, this section says what we collect, about whom, why, on which legal basis, who receives it and how long we keep it.',
  'activity.caption': 'What we do for “{name}”',
  'field.aspect': 'Aspect',
  'field.details': 'Details',
  'field.purpose': 'Why',
  'field.description': 'More about it',
  'field.categories': 'Personal data',
  'field.subjects': 'About whom',
  'field.basis': 'Legal basis',
  'field.retention': 'How long we keep it',
  'field.source': 'Where it comes from',
  'field.locations': 'Where it is stored',
  'field.recipients': 'Who receives it',
  'activity.asProcessor':
    'We do this on behalf of our business customers; each customer decides how its data is used.',
  'activity.soldOrShared':
    'Personal data in this activity is sold or shared for cross-context behavioural advertising.',
  'activity.automated': 'This activity involves automated decision-making.',
  'activity.noRecipients': 'Only our own staff',
  'activity.noLocations': 'Not stated',
  'activity.basisMissing': 'Not stated in our records: please ask us',
  'basis.forSubject': '{subject}: {basis}',
  'basis.consent': 'Your consent, which you can withdraw at any time',
  'basis.contract': 'Performance of a contract with you, or steps before one',
  'basis.legal_obligation': 'A legal obligation we must meet',
  'basis.vital_interests': 'Protecting someone’s vital interests',
  'basis.public_task': 'A task in the public interest',
  'basis.legitimate_interests': 'Our legitimate interests, balanced against yours',

  'section.retention': 'How long we keep your data',
  'retention.intro': 'We keep personal data only as long as the purpose needs it:',
  'retention.caption': 'Retention by activity',
  'retention.activity': 'Activity',
  'retention.rule': 'How long we keep it',
  'retention.period': 'Period: {period}',
  'retention.periodFrom': 'Period: {period}, counted from {from}',
  'retention.missing': 'No retention period is recorded for this activity yet; ask us and we will tell you.',
  'period.Y.one': '{n} year',
  'period.Y.other': '{n} years',
  'period.M.one': '{n} month',
  'period.M.other': '{n} months',
  'period.W.one': '{n} week',
  'period.W.other': '{n} weeks',
  'period.D.one': '{n} day',
  'period.D.other': '{n} days',

  'section.recipients': 'Who receives your data',
  'recipients.intro':
    'We share personal data only with the service providers and partners below, each for the purpose shown.',
  'recipients.none': 'We do not share personal data with other organisations.',
  'recipients.caption': 'Recipients of personal data',
  'recipients.name': 'Recipient',
  'recipients.service': 'Service and purpose',
  'recipients.role': 'Role',
  'recipients.locations': 'Locations',
  'recipients.safeguard': 'Transfer safeguard',
  'recipients.via': 'engaged through {parent}',
  'role.processor': 'Processor',
  'role.sub_processor': 'Sub-processor',
  'role.third_party': 'Third party',
  'role.joint_controller': 'Joint controller',
  'mechanism.adequacy': 'Adequacy decision',
  'mechanism.eu_us_dpf': 'EU-US Data Privacy Framework',
  'mechanism.sccs': 'Standard contractual clauses',
  'mechanism.uk_idta': 'UK International Data Transfer Agreement',
  'mechanism.bcrs': 'Binding corporate rules',
  'mechanism.derogation': 'A specific derogation (GDPR Art. 49)',
  'mechanism.none': 'None',
  'mechanism.privacy_shield': 'EU-US Privacy Shield (no longer a valid safeguard)',
  'transfer.notNeeded':
    'Not needed: the data stays in the EEA, the UK or a country with an adequacy decision',
  'transfer.missing': 'No safeguard stated',

  'section.transfers': 'International transfers',
  'transfers.none':
    'Personal data stays in the European Economic Area, the United Kingdom or countries with an adequacy decision.',
  'transfers.intro':
    'Some recipients hold personal data outside the European Economic Area and the United Kingdom, in countries without an adequacy decision. Each such transfer is protected as follows:',
  'transfers.item': '{name} ({locations}): {safeguard}',

  'section.cookies': 'Cookies',
  'cookies.intro':
    'Our websites use the cookies and similar technologies listed below, grouped by what they do.',
  'cookies.none': 'Our websites do not use cookies.',
  'cookies.change': 'Change your cookie choices',
  'cookies.caption': '{category} cookies',
  'cookies.name': 'Name',
  'cookies.provider': 'Provider',
  'cookies.purpose': 'Purpose',
  'cookies.duration': 'Duration',
  'cookies.durationMissing': 'Not stated',
  'cookies.pattern': 'names matching {name}',
  'cookies.thirdParty': 'third party',
  'cookies.essentialIntro': 'These are needed for the site to work, so they cannot be switched off.',
  'cookies.optionalIntro': 'These are set only if you agree, and you can change your mind at any time.',
  'cookieCategory.essential': 'Strictly necessary',
  'cookieCategory.functional': 'Functional',
  'cookieCategory.analytics': 'Analytics',
  'cookieCategory.marketing': 'Marketing',
  'cookieCategory.personalisation': 'Personalisation',
  'cookieCategory.uncategorised': 'Other',

  'section.rights': 'Your rights',
  'rights.intro': 'You have the following rights over your personal data:',
  'right.access': 'Access: get a copy of the personal data we hold about you',
  'right.portability':
    'Portability: receive your data in a structured, machine-readable format, or have it sent to another organisation',
  'right.erasure': 'Erasure: have your personal data deleted',
  'right.rectification': 'Rectification: have inaccurate or incomplete data corrected',
  'right.restriction': 'Restriction: have us keep your data but stop using it',
  'right.objection':
    'Objection: object to processing based on our legitimate interests, and to direct marketing at any time',
  'right.opt_out_sale': 'Opt out of the sale or sharing of your personal information',
  'right.limit_sensitive': 'Limit the use of your sensitive personal information',
  'right.do_not_contact': 'Ask us not to contact you again',
  'right.automated_decision':
    'Not to be subject to a decision based solely on automated processing that significantly affects you',
  'rights.how': 'To exercise a right, use our privacy center:',
  'rights.centerLink': 'Privacy center',
  'rights.channels': 'You can also reach us by:',
  'channel.web': 'Web form',
  'channel.email': 'Email',
  'channel.phone': 'Phone',
  'channel.post': 'Post',
  'channel.in_app': 'In the app',
  'rights.verify': 'We may ask you to confirm your identity before we act on a request.',
  'rights.fee.none': 'There is no fee for exercising your rights.',
  'rights.fee.reasonable_if_excessive':
    'There is no fee, unless a request is manifestly unfounded or excessive, in which case we may charge a reasonable fee or refuse it.',
  'deadline.gdpr':
    'Under the GDPR we answer within one month; for complex or numerous requests we may extend this by two further months and will tell you why.',
  'deadline.uk_gdpr':
    'Under the UK GDPR we answer within one month; for complex or numerous requests we may extend this by two further months and will tell you why.',
  'deadline.ccpa':
    'Under the CCPA we confirm receipt within 10 business days and answer within 45 days; we may extend this once by 45 days and will tell you why.',
  'deadline.own': 'We aim to answer within {days} days.',
  'rights.accessLimit': 'You may make up to {n} access requests in any 12-month period.',
  'rights.agents': 'You may use an authorized agent to make a request for you.',
  'rights.routing':
    'If we process your data on behalf of an organisation you deal with ({subjects}), that organisation decides on your request; we will pass it on to them.',
  'rights.complaint': 'You have the right to complain to the supervisory authority, {authority}.',
  'rights.complaintLink': 'Website of {authority}',

  'section.california': 'Your California privacy rights',
  'california.intro':
    'If you are a California resident, the California Consumer Privacy Act (CCPA) gives you the rights below.',
  'california.categories': 'Categories of personal information we collected in the last 12 months:',
  'california.sources': 'Sources of that information:',
  'california.sourcesNone': 'Directly from you and from your use of our services.',
  'california.purposes': 'Business purposes for which we use it:',
  'california.notSold':
    'We do not sell or share your personal information, and we have not done so in the last 12 months.',
  'california.sold': 'In the last 12 months we sold or shared these categories of personal information:',
  'california.rights': 'Your rights under the CCPA:',
  'california.right.know':
    'To know what personal information we collect, use and disclose, and to get a copy',
  'california.right.delete': 'To have your personal information deleted',
  'california.right.correct': 'To have inaccurate personal information corrected',
  'california.right.optOut': 'To opt out of the sale or sharing of your personal information',
  'california.right.limit': 'To limit the use of sensitive personal information',
  'california.right.nonDiscrimination': 'Not to be treated differently for exercising these rights',
  'california.accessLimit': 'You may ask to know up to {n} times in a 12-month period.',
  'california.gpc':
    'We treat a Global Privacy Control (GPC) signal sent by your browser as a valid request to opt out of the sale and sharing of your personal information for that browser, without asking you for anything more.',
  'california.noGpcNoSale':
    'Because we do not sell or share personal information, a Global Privacy Control (GPC) signal has nothing to opt out of.',
  'california.noGpc':
    'We do not yet act on Global Privacy Control (GPC) signals; use the link above to opt out.',
  'california.agents': 'You may designate an authorized agent to make a request on your behalf.',
  'california.deadline': 'We answer within 45 days, extendable once by 45 days with notice.',

  'section.more': 'More about how we handle your data',
  'section.changes': 'Changes to this notice',
  'changes.text':
    'We publish each version of this notice with its effective date. When a change is material, for example a new purpose, a new recipient or a longer retention, we tell the people concerned before it takes effect.',
  'changes.current': 'This is version {version}, effective {date}.',
  'changes.preview': 'This is a preview of the next version; it has not been published.',
  'changes.history': 'Earlier versions and what changed',
} as const;

export type MessageKey = keyof typeof en;
