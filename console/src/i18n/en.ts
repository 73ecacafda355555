/** The console's English texts: the catalogue every other language is typed against. `{name}` is filled in. */
export const en = {
  'app.title': 'Console',
  'app.loading': 'Loading…',
  'app.signingIn': 'Signing you in…',
  'app.signInFailed': 'Signing in did not work.',
  'app.tryAgain': 'Try again',
  'app.skipToContent': 'Skip to content',
  'shell.nav': 'Console sections',
  'shell.signedInAs': 'Signed in as {name}',
  'shell.signOut': 'Sign out',
  'noAccess.title': 'No access to the console',
  'noAccess.text': 'You are signed in, but none of your roles opens the console of {tenant}. Ask an administrator of {tenant} if you need access.',
  'notFound.title': 'Page not found',
  'notFound.text': 'There is no console page at this address.',
  'nav.home': 'Overview',
  'nav.roles': 'Roles',
  'home.title': 'Overview',
  'home.intro': 'Manage {tenant}. Choose a section:',
  'home.roles': 'Your roles: {roles}',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.delete': 'Delete',
  'common.edit': 'Edit',
  'common.confirm': 'Confirm',
  'common.close': 'Close',
  'common.saved': 'Saved.',
  'common.optional': '(optional)',
  'common.loadMore': 'Show more',
  'problem.title': 'Something went wrong',
  'problem.network': 'The server could not be reached. Check your connection and try again.',
  'problem.fields': 'Check these fields:',
  'warnings.title': 'Please note',
  'roles.title': 'Roles',
  'roles.intro': 'A role is the value of the roles claim apps receive. Door grants can follow from roles.',
  'roles.empty': 'No roles yet.',
  'roles.name': 'Name',
  'roles.nameHint': 'Lower-case letters, digits and _; cannot be changed later.',
  'roles.description': 'Description',
  'roles.create': 'Create role',
  'roles.created': 'Role {name} created.',
  'roles.deleted': 'Role {name} deleted.',
  'roles.editTitle': 'Edit {name}',
  'roles.deleteTitle': 'Delete role {name}?',
  'roles.deleteLabel': 'Delete {name}',
  'roles.deleteConsequence': 'Door grants that follow from this role end now; their history is kept. A role that users still hold cannot be deleted.',
  'roles.actions': 'Actions',
  // Page area: users and invitations.

  // Page area: doors and door access.
  'moment.timeZone': 'Times are in your time zone, {zone}.',

  // Page area: apps, resource servers, change log, settings and signing keys.

  // Page area: operators: tenants, platform keys and change log.

} as const;

export type MessageKey = keyof typeof en;
/** What every other language must provide: each key of the English catalogue, no more. */
export type Catalogue = Record<MessageKey, string>;
