import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { UnauthorizedError } from '../errors/http-errors.js';

/** How old a proof may be: it is made for one request, right before it. */
const PROOF_MAX_AGE = '120s';

/**
 * Checks a DPoP proof (RFC 9449) made by a device for one request: signed ES256 by the key in its header, whose
 * thumbprint must be the device's, for this method and URL, recent, and bound to the access token sent (`ath`).
 * Only the device's private key makes one, so a stolen access token alone gets no door key.
 */
export async function checkDeviceProof(
  proof: string | undefined,
  expected: { deviceId: string; jkt: string; method: string; url: string; accessToken: string },
  replays: ProofReplays,
): Promise<void> {
  const refuse = () => new UnauthorizedError("A DPoP proof signed by the device's key is required");
  if (!proof) throw refuse();
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: PROOF_MAX_AGE });
    const ath = createHash('sha256').update(expected.accessToken).digest('base64url');
    const ok =
      (await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256')) === expected.jkt &&
      payload.htm === expected.method &&
      payload.htu === expected.url &&
      payload.ath === ath &&
      typeof payload.jti === 'string' &&
      payload.jti.length <= 128;
    if (!ok) throw refuse();
    // A proof is good once (RFC 9449 §11.1): one seen before, within its lifetime, is a replay. Keyed by the
    // device's pseudonym, as rate-limit counters hold no identifier of a person.
    await replays.consume(`${expected.deviceId}:${payload.jti}`);
  } catch {
    throw refuse();
  }
}

/** Counts each proof's `jti` (rate-limit counters: one point per key, kept longer than a proof lives). */
export interface ProofReplays {
  consume(key: string): Promise<unknown>;
}

export const PROOF_REPLAY_WINDOW_SECONDS = 180;
