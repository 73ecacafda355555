import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { newId } from '../db/ids.js';
import type { User } from '../users/user.service.js';
import type { ChallengeStore } from './challenge-store.js';
import type { MfaFactorModel } from './mfa-factor.model.js';
import { parseAuthentication, parseRegistration } from './passkey-response.js';

/** Where passkeys are bound: the host of the public URL (shared by every tenant on it) and its origin. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export function relyingParty(publicUrl: string, tenantName: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: tenantName };
}

const CEREMONY_TTL_MS = 10 * 60 * 1000;
/** An answered derived challenge is remembered as long as its interaction can live (token-lifetimes.ts). */
const DERIVED_CHALLENGE_TTL_MS = 60 * 60 * 1000;

/** WebAuthn passkeys: registration, and assertions as a second factor or, verifying the user, as the only one. */
export class PasskeyService {
  constructor(
    private readonly factors: MfaFactorModel,
    private readonly store: ChallengeStore,
    private readonly changeLog: ChangeLogService,
  ) {}

  async registrationOptions(tenantId: string, user: User, rp: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.factors.find({ tenantId, userId: user.id, type: 'passkey' }).lean();
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.email ?? user.id,
      userDisplayName: user.name ?? user.email ?? user.id,
      // The user handle is the subject id: a passkey sign-in names its user without a password step.
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((f) => ({ id: f.credentialId!, transports: f.transports })),
      // Discoverable, so it also signs in without a password; a key without a PIN still serves as a second factor.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.store.put(tenantId, `passkey-register:${user.id}`, { challenge: options.challenge, userId: user.id }, CEREMONY_TTL_MS);
    return options;
  }

  /** Verifies and keeps a new passkey; answers the amr values its creation proved, or null if refused. */
  async register(tenantId: string, userId: string, credential: string, rp: RelyingParty): Promise<string[] | null> {
    const response = parseRegistration(credential);
    const pending = await this.store.take(tenantId, `passkey-register:${userId}`);
    if (!response || !pending?.challenge) return null;
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    }).catch(() => ({ verified: false as const }));
    if (!verified.verified) return null;
    const { credential: created, credentialDeviceType, userVerified } = verified.registrationInfo;
    if (await this.factors.exists({ tenantId, credentialId: created.id })) return null;
    const doc = {
      _id: newId('mfa'),
      tenantId,
      userId,
      type: 'passkey' as const,
      credentialId: created.id,
      publicKey: Buffer.from(created.publicKey).toString('base64url'),
      counter: created.counter,
      transports: created.transports ?? response.response.transports,
      deviceType: credentialDeviceType,
    };
    const change = { action: 'mfa.passkey_registered', subjectType: 'user', subjectId: userId, fields: ['passkey'] };
    await this.changeLog.record(tenantId, change, () => this.factors.insertMany([doc]));
    return amrFor(credentialDeviceType, userVerified);
  }

  /**
   * Options for an assertion. With a user: their passkeys, as a second factor. Without: any discoverable
   * passkey, which must verify the user since it is the only factor.
   */
  async authenticationOptions(tenantId: string, key: string, rp: RelyingParty, userId?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const allow = userId ? await this.factors.find({ tenantId, userId, type: 'passkey' }).lean() : [];
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: allow.map((f) => ({ id: f.credentialId!, transports: f.transports })),
      userVerification: userId ? 'preferred' : 'required',
    });
    await this.store.put(tenantId, key, { challenge: options.challenge, userId }, CEREMONY_TTL_MS);
    return options;
  }

  /**
   * Options for a passwordless assertion whose challenge the caller derives (passkey-login.ts) rather than
   * stores: offered on every view of the login page, it costs no write there. `authenticate` with the same
   * challenge accepts one answer to it.
   */
  discoverableOptions(rp: RelyingParty, challenge: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({ rpID: rp.id, allowCredentials: [], userVerification: 'required', challenge: Buffer.from(challenge, 'base64url') });
  }

  /** Verifies an assertion against the challenge under `key`; answers its user and amr values, or null. */
  async authenticate(
    tenantId: string,
    key: string,
    credential: string,
    rp: RelyingParty,
    expect: { userId?: string; userVerification: boolean; derivedChallenge?: string },
  ): Promise<{ userId: string; amr: string[] } | null> {
    const response = parseAuthentication(credential);
    if (!response) return null;
    const pending = expect.derivedChallenge ? { challenge: expect.derivedChallenge } : await this.store.take(tenantId, key);
    if (!pending?.challenge) return null;
    const factor = await this.factors.findOne({ tenantId, type: 'passkey', credentialId: response.id }).lean();
    if (!factor || (expect.userId && factor.userId !== expect.userId)) return null;
    const handle = response.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== factor.userId) return null;
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: factor.credentialId!, publicKey: Buffer.from(factor.publicKey!, 'base64url'), counter: factor.counter ?? 0 },
      requireUserVerification: expect.userVerification,
    }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
    if (!verified.verified || !verified.authenticationInfo) return null;
    // A derived challenge was never stored to be taken: its one answer is recorded instead, once it verified, so
    // a mistaken try (another passkey, a cancelled prompt) leaves the page's challenge usable.
    if (expect.derivedChallenge && !(await this.store.claim(tenantId, key, DERIVED_CHALLENGE_TTL_MS))) return null;
    const { newCounter, userVerified } = verified.authenticationInfo;
    // Conditional on the counter read: a cloned authenticator racing the original cannot both pass.
    const { modifiedCount } = await this.factors.updateOne(
      { tenantId, _id: factor._id, counter: factor.counter ?? 0 },
      { $set: { counter: newCounter, lastUsedAt: new Date() } },
    );
    if (modifiedCount !== 1) return null;
    return { userId: factor.userId, amr: amrFor(factor.deviceType, userVerified) };
  }
}

/** RFC 8176: a key that never leaves its device is hardware-secured (hwk); a synced passkey is software-secured. */
function amrFor(deviceType: string | undefined, userVerified: boolean): string[] {
  return [deviceType === 'singleDevice' ? 'hwk' : 'swk', ...(userVerified ? ['user'] : [])];
}
