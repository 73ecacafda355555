import type { Catalogue } from './en';

export const de: Catalogue = {
  'app.title': 'Konsole',
  'app.loading': 'Wird geladen…',
  'app.signingIn': 'Sie werden angemeldet…',
  'app.signInFailed': 'Die Anmeldung hat nicht funktioniert.',
  'app.tryAgain': 'Erneut versuchen',
  'app.skipToContent': 'Zum Inhalt springen',
  'shell.nav': 'Bereiche der Konsole',
  'shell.signedInAs': 'Angemeldet als {name}',
  'shell.signOut': 'Abmelden',
  'noAccess.title': 'Kein Zugang zur Konsole',
  'noAccess.text': 'Sie sind angemeldet, aber keine Ihrer Rollen öffnet die Konsole von {tenant}. Wenden Sie sich an eine Administratorin oder einen Administrator von {tenant}, wenn Sie Zugang brauchen.',
  'notFound.title': 'Seite nicht gefunden',
  'notFound.text': 'Unter dieser Adresse gibt es keine Seite der Konsole.',
  'nav.home': 'Übersicht',
  'nav.roles': 'Rollen',
  'home.title': 'Übersicht',
  'home.intro': '{tenant} verwalten. Wählen Sie einen Bereich:',
  'home.roles': 'Ihre Rollen: {roles}',
  'common.save': 'Speichern',
  'common.cancel': 'Abbrechen',
  'common.delete': 'Löschen',
  'common.edit': 'Bearbeiten',
  'common.confirm': 'Bestätigen',
  'common.close': 'Schließen',
  'common.saved': 'Gespeichert.',
  'common.optional': '(optional)',
  'common.loadMore': 'Mehr anzeigen',
  'problem.title': 'Etwas ist schiefgegangen',
  'problem.network': 'Der Server war nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'problem.fields': 'Bitte prüfen Sie diese Felder:',
  'warnings.title': 'Bitte beachten',
  'roles.title': 'Rollen',
  'roles.intro': 'Eine Rolle ist der Wert des roles-Claims, den Apps erhalten. Türberechtigungen können aus Rollen folgen.',
  'roles.empty': 'Noch keine Rollen.',
  'roles.name': 'Name',
  'roles.nameHint': 'Kleinbuchstaben, Ziffern und _; später nicht änderbar.',
  'roles.description': 'Beschreibung',
  'roles.create': 'Rolle anlegen',
  'roles.created': 'Rolle {name} angelegt.',
  'roles.deleted': 'Rolle {name} gelöscht.',
  'roles.editTitle': '{name} bearbeiten',
  'roles.deleteTitle': 'Rolle {name} löschen?',
  'roles.deleteLabel': '{name} löschen',
  'roles.deleteConsequence': 'Türberechtigungen, die aus dieser Rolle folgen, enden jetzt; ihr Verlauf bleibt erhalten. Eine Rolle, die Benutzer noch haben, kann nicht gelöscht werden.',
  'roles.actions': 'Aktionen',
  // Page area: users and invitations.

  // Page area: doors and door access.
  'moment.timeZone': 'Zeiten gelten in Ihrer Zeitzone, {zone}.',

  // Page area: apps, resource servers, change log, settings and signing keys.

  // Page area: operators: tenants, platform keys and change log.

};
