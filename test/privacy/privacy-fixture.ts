import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { generate } from 'otplib';
import { newId } from '../../src/db/ids.js';
import { Browser, formAction } from '../support/browser.js';
import { asSetup, PASSWORD, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn, type SignedIn } from '../support/sign-in.js';
import { eventually, queuedMail } from '../support/smtp.js';
import type { TestIdp } from '../support/test-idp.js';

/**
 * Setting up tenants (signing keys are generated) and people with data everywhere (invitation, sign-ins,
 * second factors) takes many round trips: on a machine busy with other suites, more than a test's default
 * time. For setup hooks only; no assertion depends on it.
 */
export const SETUP_TIMEOUT_MS = 120_000;

/** The values a person gave us; a test looks for them where they must (not) be. */
export interface PersonalValues {
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  phone: string;
}

export interface Person {
  id: string;
  invitationId: string;
  values: PersonalValues;
  signedIn: SignedIn;
}

export function personalValues(tag: string): PersonalValues {
  return {
    email: `${tag}.privat@example.test`,
    name: `Pia ${tag} Privat`,
    givenName: `Pia${tag}`,
    familyName: `Privat${tag}`,
    phone: `+45 ${String(20000000 + Math.floor(Math.random() * 9999999))}`,
  };
}

/**
 * A person with data in every place the registry names: invited by mail and accepted, with a profile,
 * door grants of their own and through a role, a sign-in (session, grant, tokens), a sign-in left half way
 * (an interaction holding their address as login_hint and their ID token as id_token_hint), a password-reset
 * link, recovery codes, a TOTP enrolment in progress, a webhook delivery about them, and a change of theirs
 * whose outcome was never learnt.
 */
export async function personWithDataEverywhere(idp: TestIdp, fixture: TenantFixture, tag: string): Promise<Person> {
  const { services } = idp;
  const { tenant } = fixture;
  const values = personalValues(tag);
  // The tenant's systems are told of changes to people: a webhook delivery about the person waits to be sent.
  await services.webhooks.create(tenant._id, { url: 'https://93.184.215.14/hooks', eventTypes: ['user.updated'] });
  const invitation = await asSetup(() =>
    services.invitations.create(tenant, { email: values.email, name: values.name, roles: ['employee', 'team_lead'], doors: [{ doorKey: 'main-entrance' }] }),
  );
  const { link } = await queuedMail(idp, tenant, values.email);
  const accepted = await services.invitationAcceptance.accept(tenant, link.split('/').pop()!, { name: values.name, password: PASSWORD }, {});
  if (!accepted.ok) throw new Error(`Invitation not accepted: ${accepted.problem}`);
  const id = accepted.userId;
  await asSetup(() => services.users.update(tenant, id, { givenName: values.givenName, familyName: values.familyName, phone: values.phone }));
  const lab = await services.doors.getByKey(tenant._id, 'lab');
  await asSetup(() => services.doorPermissions.grant(tenant._id, { doorId: lab._id, holderType: 'user', holderId: id, validUntil: new Date(Date.now() + 86_400_000) }));
  // A change of theirs the change log announced and whose outcome no process learnt (one that died mid-way).
  void asSetup(() => services.changeLog.record(tenant._id, { action: 'user.updated', subjectType: 'user', subjectId: id, fields: ['phone'] }, () => new Promise<never>(() => {})));
  await eventually(async () => (await idp.db.models.changeLogPending.countDocuments({ tenantId: tenant._id, 'change.subjectId': id })) > 0, 5_000, 'the change to be announced');
  // At a lock: a phone, a decision about them, and an entry of the locks' revocation list naming them.
  const phoneKey = await exportJWK((await generateKeyPair('ES256')).publicKey);
  await asSetup(() => services.devices.register(tenant._id, id, { label: 'Phone', jwk: { ...phoneKey } }));
  const lock = await asSetup(async () => services.locks.create(tenant._id, { name: `Lab lock ${tag}`, doors: ['lab'], jwk: { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) } }));
  await asSetup(() => services.accessDecisions.decide(tenant, lock, { doorKey: 'lab', userId: id, at: new Date() }));
  await services.revocations.add(tenant._id, 'user', id, new Date());

  // A door's log names the person: an event their lock reported.
  const { publicKey } = await generateKeyPair('ES256');
  const lockView = await asSetup(async () => services.locks.create(tenant._id, { name: 'Lab lock', doors: ['lab'], jwk: { ...(await exportJWK(publicKey)) } }));
  const reporting = (await idp.db.models.locks.findOne({ tenantId: tenant._id, _id: lockView._id }).lean())!;
  const uploaded = await asSetup(() => services.accessEventIngest.upload(tenant._id, reporting, [{ id: `${tag}-1`, door: 'lab', subject: { user_id: id }, time: new Date().toISOString(), result: 'opened', method: 'card' }]));
  if (uploaded.accepted !== 1) throw new Error(`access event not stored: ${JSON.stringify(uploaded)}`);
  // Signed in once through the tenant's upstream OpenID provider: its iss+sub is linked to them.
  const upstream = await services.upstreamIdps.create(tenant._id, { name: 'Corp', issuer: 'https://login.corp.example', clientId: 'doorway', clientSecret: 'a-secret-at-corp' });
  const federated = { _id: newId('fid'), tenantId: tenant._id, userId: id, upstreamId: upstream._id, issuer: upstream.issuer, subject: `corp-${tag}` };
  await idp.db.models.federatedIdentities.insertMany([federated]);
  const config = await discoverClient(idp.baseUrl, fixture);
  const signedIn = await signIn(config, { email: values.email });
  // Once in the browser that is signed in (the interaction names the account), once in a fresh one (it cannot).
  await startSignInAndLeave(config, values.email, signedIn.tokens.id_token!, signedIn.browser);
  await startSignInAndLeave(config, values.email, signedIn.tokens.id_token!);

  await services.passwordReset.request(tenant, values.email, 'en');
  const user = await services.users.getById(tenant, id);
  const { secret } = await services.mfa.totp.startEnrolment(tenant, user);
  await asSetup(async () => services.mfa.totp.confirmEnrolment(tenant, id, await generate({ secret })));
  await asSetup(() => services.mfa.issueRecoveryCodes(tenant, id));
  await passwordThenLeave(config, values.email);
  // A new authenticator app being set up, not yet confirmed.
  await services.mfa.totp.startEnrolment(tenant, user);
  return { id, invitationId: invitation.id, values, signedIn };
}

/** The password is given, the second factor never is: a sign-in left pending between the two. */
async function passwordThenLeave(config: client.Configuration, email: string): Promise<void> {
  const browser = new Browser();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const { url: page, res } = await browser.follow(url.href, REDIRECT_URI);
  const form = { email, password: PASSWORD };
  const { url: next } = await browser.follow(new URL(formAction(await res.text(), '/login'), page).href, REDIRECT_URI, { form });
  if (!/\/interaction\/[^/]+\/mfa/.test(next)) throw new Error(`Expected the second-factor step, reached ${next}`);
}

/** An app sends the person to sign in, naming them; they never finish. The interaction stays stored. */
export async function startSignInAndLeave(config: client.Configuration, email: string, idToken: string, browser = new Browser()): Promise<void> {
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    login_hint: email,
    id_token_hint: idToken,
    prompt: 'login',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const { res } = await browser.follow(url.href, REDIRECT_URI);
  if (res.status !== 200) throw new Error(`The sign-in page answered ${res.status}`);
}
