import type { Catalogue } from './en';

export const da: Catalogue = {
  'app.title': 'Konsol',
  'app.loading': 'Indlæser…',
  'app.signingIn': 'Logger dig ind…',
  'app.signInFailed': 'Login lykkedes ikke.',
  'app.tryAgain': 'Prøv igen',
  'app.skipToContent': 'Spring til indhold',
  'shell.nav': 'Konsollens afsnit',
  'shell.signedInAs': 'Logget ind som {name}',
  'shell.signOut': 'Log ud',
  'noAccess.title': 'Ingen adgang til konsollen',
  'noAccess.text': 'Du er logget ind, men ingen af dine roller giver adgang til konsollen for {tenant}. Spørg en administrator hos {tenant}, hvis du skal have adgang.',
  'notFound.title': 'Siden findes ikke',
  'notFound.text': 'Der er ingen side i konsollen på denne adresse.',
  'nav.home': 'Overblik',
  'nav.roles': 'Roller',
  'home.title': 'Overblik',
  'home.intro': 'Administrer {tenant}. Vælg et afsnit:',
  'home.roles': 'Dine roller: {roles}',
  'common.save': 'Gem',
  'common.cancel': 'Annuller',
  'common.delete': 'Slet',
  'common.edit': 'Rediger',
  'common.confirm': 'Bekræft',
  'common.close': 'Luk',
  'common.saved': 'Gemt.',
  'common.optional': '(valgfri)',
  'common.loadMore': 'Vis flere',
  'problem.title': 'Noget gik galt',
  'problem.network': 'Serveren kunne ikke nås. Tjek din forbindelse, og prøv igen.',
  'problem.fields': 'Tjek disse felter:',
  'warnings.title': 'Bemærk',
  'roles.title': 'Roller',
  'roles.intro': 'En rolle er den værdi af roles-claimet, som apps modtager. Døradgange kan følge af roller.',
  'roles.empty': 'Ingen roller endnu.',
  'roles.name': 'Navn',
  'roles.nameHint': 'Små bogstaver, tal og _; kan ikke ændres senere.',
  'roles.description': 'Beskrivelse',
  'roles.create': 'Opret rolle',
  'roles.created': 'Rollen {name} er oprettet.',
  'roles.deleted': 'Rollen {name} er slettet.',
  'roles.editTitle': 'Rediger {name}',
  'roles.deleteTitle': 'Slet rollen {name}?',
  'roles.deleteLabel': 'Slet {name}',
  'roles.deleteConsequence': 'Døradgange, der følger af rollen, ophører nu; deres historik bevares. En rolle, som brugere stadig har, kan ikke slettes.',
  'roles.actions': 'Handlinger',
  // Page area: users and invitations.

  // Page area: doors and door access.
  'moment.timeZone': 'Tidspunkter er i din tidszone, {zone}.',

  // Page area: apps, resource servers, change log, settings and signing keys.

  // Page area: operators: tenants, platform keys and change log.

};
