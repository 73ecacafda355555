import type { Messages } from './en.js';

export default {
  'title.login': 'Log ind',
  'title.consent': 'Giv adgang',
  'title.logout': 'Log ud',
  'title.loggedOut': 'Logget ud',
  'title.error': 'Fejl',
  'title.notFound': 'Siden blev ikke fundet',

  'login.heading': 'Log ind hos {tenant}',
  'login.client': 'for at fortsætte til {client}',
  'login.email': 'E-mailadresse',
  'login.password': 'Adgangskode',
  'login.submit': 'Log ind',
  'login.error.invalidCredentials': 'E-mailadressen eller adgangskoden er forkert.',
  'login.error.accountUnavailable': 'Du kan ikke logge ind med din konto lige nu. Kontakt din administrator.',

  'consent.heading': 'Vil du give adgang til din konto?',
  'consent.intro': '{client} vil gerne:',
  'consent.introUnnamed': 'Applikationen vil gerne:',
  'consent.scope.openid': 'Bekræfte din identitet',
  'consent.scope.profile': 'Se dit navn og dit sprog',
  'consent.scope.email': 'Se din e-mailadresse',
  'consent.scope.roles': 'Se dine roller',
  'consent.scope.doors': 'Se hvilke døre og lokaler du må åbne',
  'consent.scope.offline_access': 'Forblive logget ind, når du ikke er til stede',
  'consent.allow': 'Tillad',
  'consent.deny': 'Afvis',

  'logout.heading': 'Vil du logge ud af {tenant}?',
  'logout.yes': 'Ja, log ud',
  'logout.no': 'Nej, forbliv logget ind',

  'loggedOut.heading': 'Du er logget ud.',
  'loggedOut.text': 'Du kan nu lukke dette vindue.',

  'error.heading': 'Noget gik galt',
  'error.text': 'Vi kunne ikke gennemføre din anmodning. Gå tilbage til den applikation, du kom fra, og prøv igen.',
  'error.code': 'Fejlkode: {code}',

  'notFound.text': 'Denne side findes ikke.',
} satisfies Messages;
