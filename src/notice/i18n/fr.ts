import type { MessageKey } from './en.ts';

/**
 * French notice texts. The California (CCPA) texts are kept in English until a reviewed
 * translation exists; the renderer falls back to English for them and reports the keys.
 */
export const fr: Partial<Record<MessageKey, string>> = {
  'notice.title': 'Politique de confidentialité',
  'meta.version': 'Version {version}',
  'meta.preview': 'Aperçu (non publié)',
  'meta.effective': 'En vigueur le {date}',
  'meta.updated': 'Dernière mise à jour le {date}',
  'toc.title': 'Sommaire',
  'note.label': 'Remarque',
  'skip.link': 'Aller à la politique',

  'section.introduction': 'Introduction',
  'section.controller': 'Qui nous sommes et comment nous contacter',
  'controller.is': '{name} est le responsable du traitement des données personnelles décrites ici.',
  'controller.alsoProcessor':
    'Lorsque nous hébergeons ou traitons des données pour nos clients professionnels, chaque client est responsable du traitement et nous agissons comme son sous-traitant.',
  'controller.processorOnly':
    'Nous traitons des données personnelles pour le compte de nos clients professionnels, qui en sont les responsables du traitement.',
  'controller.legalName': 'Dénomination sociale',
  'controller.registration': 'Immatriculation',
  'controller.address': 'Adresse',
  'controller.website': 'Site web',
  'controller.privacy': 'Équipe confidentialité',
  'controller.dpo': 'Délégué à la protection des données',
  'controller.euRep': 'Représentant dans l’UE',
  'controller.ukRep': 'Représentant au Royaume-Uni',
  'contact.email': 'E-mail',
  'contact.phone': 'Téléphone',
  'contact.post': 'Courrier',
  'contact.web': 'Web',

  'section.collection': 'Ce que nous collectons et pourquoi',
  'collection.intro':
    'Pour chaque traitement de données personnelles, cette section indique ce que nous collectons, sur qui, pourquoi, sur quelle base légale, qui les reçoit et combien de temps nous les conservons.',
  'activity.caption': 'Traitement « {name} »',
  'field.aspect': 'Aspect',
  'field.details': 'Détails',
  'field.purpose': 'Finalité',
  'field.description': 'Précisions',
  'field.categories': 'Données personnelles',
  'field.subjects': 'Personnes concernées',
  'field.basis': 'Base légale',
  'field.retention': 'Durée de conservation',
  'field.source': 'Origine des données',
  'field.locations': 'Lieu de stockage',
  'field.recipients': 'Destinataires',
  'activity.asProcessor':
    'Nous effectuons ce traitement pour le compte de nos clients professionnels ; chaque client décide de l’usage de ses données.',
  'activity.soldOrShared':
    'Les données de ce traitement sont vendues ou partagées à des fins de publicité comportementale.',
  'activity.automated': 'Ce traitement comporte une prise de décision automatisée.',
  'activity.noRecipients': 'Uniquement notre personnel',
  'activity.noLocations': 'Non précisé',
  'activity.basisMissing': 'Non indiquée dans nos registres : contactez-nous',
  'basis.forSubject': '{subject} : {basis}',
  'basis.consent': 'Votre consentement, que vous pouvez retirer à tout moment',
  'basis.contract': 'L’exécution d’un contrat avec vous, ou des mesures précontractuelles',
  'basis.legal_obligation': 'Le respect d’une obligation légale',
  'basis.vital_interests': 'La sauvegarde des intérêts vitaux d’une personne',
  'basis.public_task': 'Une mission d’intérêt public',
  'basis.legitimate_interests': 'Notre intérêt légitime, mis en balance avec vos droits',

  'section.retention': 'Durée de conservation de vos données',
  'retention.intro': 'Nous ne conservons les données personnelles que le temps nécessaire à leur finalité :',
  'retention.caption': 'Conservation par traitement',
  'retention.activity': 'Traitement',
  'retention.rule': 'Durée de conservation',
  'retention.period': 'Durée : {period}',
  'retention.periodFrom': 'Durée : {period}, à compter de : {from}',
  'retention.missing':
    'Aucune durée n’est encore enregistrée pour ce traitement ; demandez-nous et nous vous répondrons.',
  'period.Y.one': '{n} an',
  'period.Y.other': '{n} ans',
  'period.M.one': '{n} mois',
  'period.M.other': '{n} mois',
  'period.W.one': '{n} semaine',
  'period.W.other': '{n} semaines',
  'period.D.one': '{n} jour',
  'period.D.other': '{n} jours',

  'section.recipients': 'Qui reçoit vos données',
  'recipients.intro':
    'Nous ne partageons des données personnelles qu’avec les prestataires et partenaires ci-dessous, chacun pour la finalité indiquée.',
  'recipients.none': 'Nous ne partageons pas de données personnelles avec d’autres organisations.',
  'recipients.caption': 'Destinataires des données personnelles',
  'recipients.name': 'Destinataire',
  'recipients.service': 'Service et finalité',
  'recipients.role': 'Rôle',
  'recipients.locations': 'Pays',
  'recipients.safeguard': 'Garantie de transfert',
  'recipients.via': 'via {parent}',
  'role.processor': 'Sous-traitant',
  'role.sub_processor': 'Sous-traitant ultérieur',
  'role.third_party': 'Tiers',
  'role.joint_controller': 'Responsable conjoint',
  'mechanism.adequacy': 'Décision d’adéquation',
  'mechanism.eu_us_dpf': 'Cadre de protection des données UE–États-Unis',
  'mechanism.sccs': 'Clauses contractuelles types',
  'mechanism.uk_idta': 'Accord de transfert international du Royaume-Uni (IDTA)',
  'mechanism.bcrs': 'Règles d’entreprise contraignantes',
  'mechanism.derogation': 'Une dérogation spécifique (RGPD art. 49)',
  'mechanism.none': 'Aucune',
  'mechanism.privacy_shield':
    'Bouclier de protection des données UE–États-Unis (n’est plus une garantie valable)',
  'transfer.notNeeded': 'Inutile : les données restent dans l’EEE, au Royaume-Uni ou dans un pays adéquat',
  'transfer.missing': 'Aucune garantie indiquée',

  'section.transfers': 'Transferts internationaux',
  'transfers.none':
    'Les données personnelles restent dans l’Espace économique européen, au Royaume-Uni ou dans des pays bénéficiant d’une décision d’adéquation.',
  'transfers.intro':
    'Certains destinataires conservent des données hors de l’EEE et du Royaume-Uni, dans des pays sans décision d’adéquation. Chaque transfert est encadré ainsi :',
  'transfers.item': '{name} ({locations}) : {safeguard}',

  'section.cookies': 'Cookies',
  'cookies.intro':
    'Nos sites utilisent les cookies et technologies similaires ci-dessous, regroupés selon leur usage.',
  'cookies.none': 'Nos sites n’utilisent pas de cookies.',
  'cookies.change': 'Modifier vos choix en matière de cookies',
  'cookies.caption': 'Cookies : {category}',
  'cookies.name': 'Nom',
  'cookies.provider': 'Fournisseur',
  'cookies.purpose': 'Finalité',
  'cookies.duration': 'Durée',
  'cookies.durationMissing': 'Non précisée',
  'cookies.pattern': 'noms de la forme {name}',
  'cookies.thirdParty': 'tiers',
  'cookies.essentialIntro':
    'Ils sont nécessaires au fonctionnement du site et ne peuvent pas être désactivés.',
  'cookies.optionalIntro': 'Ils ne sont déposés qu’avec votre accord, que vous pouvez retirer à tout moment.',
  'cookieCategory.essential': 'Strictement nécessaires',
  'cookieCategory.functional': 'Fonctionnels',
  'cookieCategory.analytics': 'Mesure d’audience',
  'cookieCategory.marketing': 'Marketing',
  'cookieCategory.personalisation': 'Personnalisation',
  'cookieCategory.uncategorised': 'Autres',

  'section.rights': 'Vos droits',
  'rights.intro': 'Vous disposez des droits suivants sur vos données personnelles :',
  'right.access': 'Accès : obtenir une copie des données que nous détenons sur vous',
  'right.portability':
    'Portabilité : recevoir vos données dans un format structuré et lisible par machine, ou les faire transmettre à un autre organisme',
  'right.erasure': 'Effacement : faire supprimer vos données personnelles',
  'right.rectification': 'Rectification : faire corriger des données inexactes ou incomplètes',
  'right.restriction': 'Limitation : nous faire conserver vos données sans les utiliser',
  'right.objection':
    'Opposition : vous opposer à un traitement fondé sur notre intérêt légitime, et à la prospection à tout moment',
  'right.opt_out_sale': 'Vous opposer à la vente ou au partage de vos données',
  'right.limit_sensitive': 'Limiter l’usage de vos données sensibles',
  'right.do_not_contact': 'Nous demander de ne plus vous contacter',
  'right.automated_decision':
    'Ne pas faire l’objet d’une décision fondée exclusivement sur un traitement automatisé qui vous affecte de manière significative',
  'rights.how': 'Pour exercer un droit, utilisez notre espace confidentialité :',
  'rights.centerLink': 'Espace confidentialité',
  'rights.channels': 'Vous pouvez aussi nous joindre par :',
  'channel.web': 'Formulaire web',
  'channel.email': 'E-mail',
  'channel.phone': 'Téléphone',
  'channel.post': 'Courrier',
  'channel.in_app': 'Dans l’application',
  'rights.verify': 'Nous pouvons vous demander de confirmer votre identité avant de traiter une demande.',
  'rights.fee.none': 'L’exercice de vos droits est gratuit.',
  'rights.fee.reasonable_if_excessive':
    'L’exercice de vos droits est gratuit, sauf demande manifestement infondée ou excessive : nous pouvons alors exiger des frais raisonnables ou refuser.',
  'deadline.gdpr':
    'Selon le RGPD, nous répondons dans un délai d’un mois, prolongeable de deux mois pour les demandes complexes ou nombreuses ; nous vous en indiquerons la raison.',
  'deadline.uk_gdpr':
    'Selon le RGPD britannique, nous répondons dans un délai d’un mois, prolongeable de deux mois pour les demandes complexes ou nombreuses ; nous vous en indiquerons la raison.',
  'deadline.own': 'Nous nous efforçons de répondre sous {days} jours.',
  'rights.accessLimit': 'Vous pouvez faire jusqu’à {n} demandes d’accès par période de 12 mois.',
  'rights.agents': 'Vous pouvez mandater un représentant pour faire une demande à votre place.',
  'rights.routing':
    'Si nous traitons vos données pour le compte d’un organisme avec lequel vous êtes en relation ({subjects}), c’est lui qui décide de votre demande ; nous la lui transmettrons.',
  'rights.complaint':
    'Vous avez le droit d’introduire une réclamation auprès de l’autorité de contrôle, {authority}.',
  'rights.complaintLink': 'Site de {authority}',

  'section.california': 'Vos droits en Californie',

  'section.more': 'Informations complémentaires',
  'section.changes': 'Modifications de cette politique',
  'changes.text':
    'Nous publions chaque version de cette politique avec sa date d’entrée en vigueur. Lorsqu’une modification est importante (nouvelle finalité, nouveau destinataire, conservation plus longue…), nous en informons les personnes concernées avant son entrée en vigueur.',
  'changes.current': 'Ceci est la version {version}, en vigueur le {date}.',
  'changes.preview': 'Ceci est un aperçu de la prochaine version ; elle n’est pas publiée.',
  'changes.history': 'Versions précédentes et modifications',
  'page.languages': 'Langue',
  'page.notPublishedIn': 'Cette politique n’est pas publiée en {asked} ; elle est affichée en {shown}.',
  'page.versionNotPublishedIn': 'La version {version} de cette politique n’a pas été publiée en {asked}.',
  'page.publishedIn': 'Elle a été publiée en :',
  'subscribe.title': 'Être prévenu par e-mail des modifications',
  'subscribe.text':
    'Nous vous prévenons avant qu’une modification importante n’entre en vigueur : nouvelle finalité, nouveau destinataire, conservation plus longue… Votre adresse ne sert à rien d’autre, et chaque e-mail contient un lien pour arrêter.',
  'subscribe.email': 'Adresse e-mail',
  'subscribe.button': 'M’abonner',
  'subscribe.hint': 'Nous vous envoyons d’abord un lien de confirmation.',
  'subscribe.sentTitle': 'Consultez votre messagerie',
  'subscribe.sentText':
    'Si {email} peut recevoir des messages, un lien de confirmation vous a été envoyé. Vous ne recevrez rien avant de l’avoir ouvert ; il est valable 7 jours.',
  'subscribe.back': 'Retour à la politique de confidentialité',
  'subscribe.invalid': 'Saisissez une adresse e-mail, par exemple nom@exemple.fr.',
  'subscribe.tooMany': 'Trop de tentatives depuis votre connexion. Réessayez plus tard.',
  'subscribe.tooLarge': 'C’est trop long pour une adresse e-mail.',
  'subscribe.refused':
    'Ce formulaire ne peut être envoyé que depuis la page de la politique de confidentialité.',
  'subscribe.confirmTitle': 'Confirmez votre abonnement',
  'subscribe.confirmText':
    'Confirmez que vous souhaitez recevoir un e-mail de {org} à chaque modification de sa politique de confidentialité.',
  'subscribe.confirmButton': 'Confirmer',
  'subscribe.confirmedTitle': 'Vous êtes abonné',
  'subscribe.confirmedText':
    'Nous vous écrirons lorsque {org} modifiera sa politique de confidentialité. Chaque e-mail contient un lien pour arrêter.',
  'subscribe.linkInvalid': 'Lien non valide',
  'subscribe.linkInvalidText':
    'Ce lien a déjà été utilisé, a expiré ou est incomplet. Vous pouvez vous abonner de nouveau depuis la politique de confidentialité.',
  'subscribe.mailSubject':
    'Confirmez : être prévenu des modifications de la politique de confidentialité de {org}',
  'subscribe.mailText':
    'Quelqu’un, sans doute vous, a demandé à être prévenu par e-mail lorsque {org} modifie sa politique de confidentialité.\n\nPour confirmer, ouvrez ce lien dans les 7 jours :\n{link}\n\nSi ce n’était pas vous, ignorez ce message : sans votre confirmation, nous ne vous enverrons rien.',
  'notify.subject':
    '{org} : modifications de notre politique de confidentialité (version {version}, en vigueur le {date})',
  'notify.intro':
    '{org} a publié la version {version} de sa politique de confidentialité, en vigueur le {date}.',
  'notify.changes': 'Ce qui change :',
  'notify.read': 'Lire la nouvelle politique : {link}',
  'notify.diff': 'Voir toutes les modifications : {link}',
  'notify.questions': 'Questions : {contact}',
  'notify.why':
    'Vous recevez ce message parce que vous avez demandé à être prévenu des modifications de cette politique.',
  'notify.stop': 'Ne plus recevoir ces e-mails : {link}',
  'unsubscribe.title': 'Ne plus recevoir d’e-mails sur cette politique',
  'unsubscribe.text': 'Arrêter les e-mails que {org} envoie lorsque sa politique de confidentialité change.',
  'unsubscribe.button': 'Me désabonner',
  'unsubscribe.doneTitle': 'Vous êtes désabonné',
  'unsubscribe.doneText':
    'Vous ne recevrez plus d’e-mails sur les modifications de la politique de confidentialité de {org}. Vous pouvez toujours la consulter.',
  'unsubscribe.invalid': 'Ce lien de désabonnement n’est pas valide : il a peut-être été tronqué.',
};
