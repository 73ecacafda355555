// The source catalogue: its keys define `MessageKey`, and every other language is typed against it.
const en = {
  'title.login': 'Sign in',
  'title.consent': 'Allow access',
  'title.logout': 'Sign out',
  'title.loggedOut': 'Signed out',
  'title.error': 'Error',
  'title.notFound': 'Page not found',

  'login.heading': 'Sign in to {tenant}',
  'login.client': 'to continue to {client}',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.error.invalidCredentials': 'The email or password is incorrect.',
  'login.error.accountUnavailable': 'Your account cannot sign in right now. Contact your administrator.',

  'consent.heading': 'Allow access to your account?',
  'consent.intro': '{client} would like to:',
  'consent.introUnnamed': 'The application would like to:',
  'consent.scope.openid': 'Confirm your identity',
  'consent.scope.profile': 'See your name and language',
  'consent.scope.email': 'See your email address',
  'consent.scope.roles': 'See your roles',
  'consent.scope.doors': 'See which doors and rooms you may open',
  'consent.scope.offline_access': 'Stay signed in when you are away',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',

  'logout.heading': 'Do you want to sign out of {tenant}?',
  'logout.yes': 'Yes, sign out',
  'logout.no': 'No, stay signed in',

  'loggedOut.heading': 'You are signed out.',
  'loggedOut.text': 'You can now close this window.',

  'error.heading': 'Something went wrong',
  'error.text': 'We could not complete your request. Go back to the application you came from and try again.',
  'error.code': 'Error code: {code}',

  'notFound.text': 'This page does not exist.',
} satisfies Record<string, string>;

export type Messages = { readonly [K in keyof typeof en]: string };

export default en;
