import { ENCRYPTED_USER_FIELDS, type UserDoc } from '../users/user.model.js';

/**
 * What anonymization removes from a user record: every value that is about the person or lets them be found
 * (the email and externalId blind indexes), or lets anyone act as them (the password hash). What stays is the subject id, the
 * status and the record's times, so the non-personal history that names the id still has something to name.
 */
export const ANONYMIZED_AWAY = [...ENCRYPTED_USER_FIELDS, 'emailHash', 'externalIdHash', 'passwordHash', 'locale'] as const;

/** The update that anonymizes a stored user record. Roles go too: they are functional designations of a person. */
export function anonymizeUpdate(): { $set: Partial<UserDoc>; $unset: Record<string, ''> } {
  return {
    $set: { status: 'anonymized', emailVerified: false, roles: [] },
    $unset: Object.fromEntries(ANONYMIZED_AWAY.map((field) => [field, ''])),
  };
}

/** The same, applied to a raw document (a restore brings an anonymized subject back in this form only). */
export function anonymizedDocument<T extends Record<string, unknown>>(doc: T): Record<string, unknown> {
  const { $set, $unset } = anonymizeUpdate();
  const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => !(key in $unset)));
  return { ...kept, ...$set };
}
