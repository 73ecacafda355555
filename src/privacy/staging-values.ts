import type { ModelName } from '../backup/collections.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { StagingCopyOptions } from './staging-copy.js';
import { stagingClientSecret } from './staging-sealing.js';

/**
 * What a staging copy holds, and the values it puts where production's were: fake people
 * (`user-<n>@example.invalid`, `Person <n>`, one known password) and clients with the known staging secret and
 * no contacts.
 */

/** Collections in the copy, with their models: the last three as they are (the tenant's set-up, not people). */
export const COPIED = new Map<string, ModelName>([
  ['tenants', 'tenants'],
  ['users', 'users'],
  ['clients', 'clients'],
  ['roles', 'roles'],
  ['doors', 'doors'],
  ['door_permissions', 'doorPermissions'],
]);

/** What a user of the copy keeps: structure, never a value about the person (not even when they were last active). */
const USER_KEPT = ['_id', 'tenantId', 'emailVerified', 'locale', 'roles', 'status', 'createdAt', 'updatedAt'] as const;
/** A user of the copy: structure kept, every personal value replaced; an anonymized one stays without any. */
export function fakeUser(source: Record<string, unknown>, state: { ciphers: Map<string, FieldCipher>; users: number }, passwordHash: string): Record<string, unknown> {
  const cipher = state.ciphers.get(String(source.tenantId));
  if (!cipher) throw new Error(`A user of tenant ${String(source.tenantId)} comes without its tenant`);
  const user: Record<string, unknown> = Object.fromEntries(USER_KEPT.filter((f) => source[f] !== undefined).map((f) => [f, source[f]]));
  if (source.status === 'anonymized') return user;
  const n = (state.users += 1);
  const email = `user-${n}@example.invalid`;
  Object.assign(user, { email: cipher.encrypt(email, 'email'), emailHash: cipher.blindIndex(email, 'email') });
  if (source.name) user.name = cipher.encrypt(`Person ${n}`, 'name');
  if (source.givenName) user.givenName = cipher.encrypt('Person', 'givenName');
  if (source.familyName) user.familyName = cipher.encrypt(String(n), 'familyName');
  if (source.passwordHash) user.passwordHash = passwordHash;
  return user;
}

export async function stagingClient(source: Record<string, unknown>, options: Pick<StagingCopyOptions, 'stagingKey' | 'clientSecret'>): Promise<Record<string, unknown>> {
  const { sealedSecret, metadata, ...client } = source;
  // Contacts are people's addresses (RFC 7591); nothing else in a registration is about a person.
  const registration = { ...(metadata as Record<string, unknown>) };
  delete registration.contacts;
  const out: Record<string, unknown> = { ...client, metadata: registration };
  if (sealedSecret) out.sealedSecret = await stagingClientSecret(options.stagingKey, String(client.tenantId), String(client.clientId), options.clientSecret);
  return out;
}
