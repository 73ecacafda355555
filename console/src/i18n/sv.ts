import type { Catalogue } from './en';

export const sv: Catalogue = {
  'app.title': 'Konsol',
  'app.loading': 'Laddar…',
  'app.signingIn': 'Loggar in dig…',
  'app.signInFailed': 'Inloggningen fungerade inte.',
  'app.tryAgain': 'Försök igen',
  'app.skipToContent': 'Hoppa till innehållet',
  'shell.nav': 'Konsolens avsnitt',
  'shell.signedInAs': 'Inloggad som {name}',
  'shell.signOut': 'Logga ut',
  'noAccess.title': 'Ingen åtkomst till konsolen',
  'noAccess.text': 'Du är inloggad, men ingen av dina roller ger åtkomst till konsolen för {tenant}. Fråga en administratör för {tenant} om du behöver åtkomst.',
  'notFound.title': 'Sidan finns inte',
  'notFound.text': 'Det finns ingen sida i konsolen på den här adressen.',
  'nav.home': 'Översikt',
  'nav.roles': 'Roller',
  'home.title': 'Översikt',
  'home.intro': 'Administrera {tenant}. Välj ett avsnitt:',
  'home.roles': 'Dina roller: {roles}',
  'common.save': 'Spara',
  'common.cancel': 'Avbryt',
  'common.delete': 'Ta bort',
  'common.edit': 'Redigera',
  'common.confirm': 'Bekräfta',
  'common.close': 'Stäng',
  'common.saved': 'Sparat.',
  'common.optional': '(valfritt)',
  'common.loadMore': 'Visa fler',
  'problem.title': 'Något gick fel',
  'problem.network': 'Servern kunde inte nås. Kontrollera din anslutning och försök igen.',
  'problem.fields': 'Kontrollera dessa fält:',
  'warnings.title': 'Observera',
  'roles.title': 'Roller',
  'roles.intro': 'En roll är det värde i roles-anspråket som appar får. Dörrbehörigheter kan följa av roller.',
  'roles.empty': 'Inga roller ännu.',
  'roles.name': 'Namn',
  'roles.nameHint': 'Små bokstäver, siffror och _; kan inte ändras senare.',
  'roles.description': 'Beskrivning',
  'roles.create': 'Skapa roll',
  'roles.created': 'Rollen {name} har skapats.',
  'roles.deleted': 'Rollen {name} har tagits bort.',
  'roles.editTitle': 'Redigera {name}',
  'roles.deleteTitle': 'Ta bort rollen {name}?',
  'roles.deleteLabel': 'Ta bort {name}',
  'roles.deleteConsequence': 'Dörrbehörigheter som följer av rollen upphör nu; deras historik sparas. En roll som användare fortfarande har kan inte tas bort.',
  'roles.actions': 'Åtgärder',
  // Page area: users and invitations.

  // Page area: doors and door access.
  'moment.timeZone': 'Tider anges i din tidszon, {zone}.',

  // Page area: apps, resource servers, change log, settings and signing keys.

  // Page area: operators: tenants, platform keys and change log.

};
