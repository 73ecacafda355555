import type { Messages } from './en.js';

// Formal "Sie" throughout, as users expect from banks and employers.
export default {
  'title.login': 'Anmelden',
  'title.consent': 'Zugriff erlauben',
  'title.logout': 'Abmelden',
  'title.loggedOut': 'Abgemeldet',
  'title.error': 'Fehler',
  'title.notFound': 'Seite nicht gefunden',

  'login.heading': 'Bei {tenant} anmelden',
  'login.client': 'um mit {client} fortzufahren',
  'login.email': 'E-Mail-Adresse',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.error.invalidCredentials': 'Die E-Mail-Adresse oder das Passwort ist falsch.',
  'login.error.accountUnavailable':
    'Mit Ihrem Konto ist derzeit keine Anmeldung möglich. Wenden Sie sich an Ihren Administrator.',

  'consent.heading': 'Zugriff auf Ihr Konto erlauben?',
  'consent.intro': '{client} möchte:',
  'consent.introUnnamed': 'Die Anwendung möchte:',
  'consent.scope.openid': 'Ihre Identität bestätigen',
  'consent.scope.profile': 'Ihren Namen und Ihre Sprache sehen',
  'consent.scope.email': 'Ihre E-Mail-Adresse sehen',
  'consent.scope.roles': 'Ihre Rollen sehen',
  'consent.scope.doors': 'Die Türen und Räume sehen, die Sie öffnen dürfen',
  'consent.scope.offline_access': 'Angemeldet bleiben, auch wenn Sie nicht anwesend sind',
  'consent.allow': 'Erlauben',
  'consent.deny': 'Ablehnen',

  'logout.heading': 'Möchten Sie sich bei {tenant} abmelden?',
  'logout.yes': 'Ja, abmelden',
  'logout.no': 'Nein, angemeldet bleiben',

  'loggedOut.heading': 'Sie sind abgemeldet.',
  'loggedOut.text': 'Sie können dieses Fenster jetzt schließen.',

  'error.heading': 'Etwas ist schiefgelaufen',
  'error.text':
    'Ihre Anfrage konnte nicht abgeschlossen werden. Kehren Sie zu der Anwendung zurück, von der Sie gekommen sind, und versuchen Sie es erneut.',
  'error.code': 'Fehlercode: {code}',

  'notFound.text': 'Diese Seite existiert nicht.',
} satisfies Messages;
