import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { newId } from '../db/ids.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User } from '../users/user.service.js';
import type { ChallengeStore } from './challenge-store.js';
import type { MfaFactorModel } from './mfa-factor.model.js';

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey' | 'name'>;

export interface TotpEnrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  /** The otpauth:// URI an app reads from the QR code (or a tap on a phone). */
  uri: string;
  /** The QR code as an SVG data: URL, drawn here: no third party ever sees the secret. */
  qrCode: string;
}

/** A code of the previous or next 30-second step is accepted too: phones' clocks drift, people type slowly. */
const TOLERANCE_SECONDS = 30;
const ENROLMENT_TTL_MS = 15 * 60 * 1000;

/** Authenticator-app codes (RFC 6238): enrolment with a confirmation code, and single-use verification. */
export class TotpService {
  constructor(
    private readonly factors: MfaFactorModel,
    private readonly store: ChallengeStore,
    private readonly keyring: TenantKeyring,
    private readonly changeLog: ChangeLogService,
  ) {}

  /** The secret to enrol; the same one until it is confirmed or expires, so a reloaded page shows the same QR. */
  async startEnrolment(tenant: TenantRef, user: User): Promise<TotpEnrolment> {
    const cipher = this.keyring.cipherFor(tenant);
    const key = `totp-enrol:${user.id}`;
    const pending = await this.store.peek(tenant._id, key);
    const secret = pending?.secret ? cipher.decrypt(pending.secret, key) : generateSecret();
    if (!pending?.secret) await this.store.put(tenant._id, key, { secret: cipher.encrypt(secret, key), userId: user.id }, ENROLMENT_TTL_MS);
    const uri = generateURI({ issuer: tenant.name, label: user.email ?? user.id, secret });
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /** Checks the first code from the app and keeps the secret; replaces an earlier authenticator app. */
  async confirmEnrolment(tenant: TenantRef, userId: string, code: string): Promise<boolean> {
    const cipher = this.keyring.cipherFor(tenant);
    const key = `totp-enrol:${userId}`;
    const pending = await this.store.peek(tenant._id, key);
    if (!pending?.secret) return false;
    const secret = cipher.decrypt(pending.secret, key);
    const timeStep = await acceptedStep(secret, code);
    if (timeStep === undefined) return false;
    await this.store.remove(tenant._id, key);
    const doc = {
      _id: newId('mfa'),
      tenantId: tenant._id,
      userId,
      type: 'totp' as const,
      secret: cipher.encrypt(secret, secretField(userId)),
      lastTimeStep: timeStep,
    };
    const change = { action: 'mfa.totp_enrolled', subjectType: 'user', subjectId: userId, fields: ['totpSecret'] };
    await this.changeLog.record(tenant._id, change, async () => {
      await this.factors.deleteMany({ tenantId: tenant._id, userId, type: 'totp' });
      await this.factors.insertMany([doc]);
    });
    return true;
  }

  /** True once per code: a code of a step already used (this one or an earlier) is refused as a replay. */
  async verify(tenant: TenantRef, userId: string, code: string): Promise<boolean> {
    const factor = await this.factors.findOne({ tenantId: tenant._id, userId, type: 'totp' }).lean();
    if (!factor?.secret) return false;
    const secret = this.keyring.cipherFor(tenant).decrypt(factor.secret, secretField(userId));
    const timeStep = await acceptedStep(secret, code, factor.lastTimeStep ?? 0);
    if (timeStep === undefined) return false;
    // Conditional on the step read: of two requests with the same code, only one moves it forward.
    const { modifiedCount } = await this.factors.updateOne(
      { tenantId: tenant._id, _id: factor._id, lastTimeStep: factor.lastTimeStep },
      { $set: { lastTimeStep: timeStep, lastUsedAt: new Date() } },
    );
    return modifiedCount === 1;
  }
}

/** The time step a code belongs to, if it is right now and newer than `afterTimeStep`. */
async function acceptedStep(secret: string, code: string, afterTimeStep?: number): Promise<number | undefined> {
  const token = code.replace(/\s/g, '');
  const result = await verify({ secret, token, epochTolerance: TOLERANCE_SECONDS, afterTimeStep }).catch(() => undefined);
  return result?.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The sealed box names its user: a secret copied onto another user does not open. */
function secretField(userId: string): string {
  return `totpSecret:${userId}`;
}
