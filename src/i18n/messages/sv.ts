import type { Messages } from './en.js';

export default {
  'title.login': 'Logga in',
  'title.consent': 'Ge åtkomst',
  'title.logout': 'Logga ut',
  'title.loggedOut': 'Utloggad',
  'title.error': 'Fel',
  'title.notFound': 'Sidan hittades inte',

  'login.heading': 'Logga in hos {tenant}',
  'login.client': 'för att fortsätta till {client}',
  'login.email': 'E-postadress',
  'login.password': 'Lösenord',
  'login.submit': 'Logga in',
  'login.error.invalidCredentials': 'E-postadressen eller lösenordet är felaktigt.',
  'login.error.accountUnavailable': 'Du kan inte logga in med ditt konto just nu. Kontakta din administratör.',

  'consent.heading': 'Vill du ge åtkomst till ditt konto?',
  'consent.intro': '{client} vill:',
  'consent.introUnnamed': 'Applikationen vill:',
  'consent.scope.openid': 'Bekräfta din identitet',
  'consent.scope.profile': 'Se ditt namn och språk',
  'consent.scope.email': 'Se din e-postadress',
  'consent.scope.roles': 'Se dina roller',
  'consent.scope.doors': 'Se vilka dörrar och rum du får öppna',
  'consent.scope.offline_access': 'Förbli inloggad när du inte är närvarande',
  'consent.allow': 'Tillåt',
  'consent.deny': 'Neka',

  'logout.heading': 'Vill du logga ut från {tenant}?',
  'logout.yes': 'Ja, logga ut',
  'logout.no': 'Nej, förbli inloggad',

  'loggedOut.heading': 'Du är utloggad.',
  'loggedOut.text': 'Du kan nu stänga det här fönstret.',

  'error.heading': 'Något gick fel',
  'error.text': 'Vi kunde inte slutföra din begäran. Gå tillbaka till applikationen du kom från och försök igen.',
  'error.code': 'Felkod: {code}',

  'notFound.text': 'Den här sidan finns inte.',
} satisfies Messages;
