import type { Models } from '../db/database.js';

export type ModelName = keyof Models;

/**
 * What erasing a subject does to a collection's documents about them:
 * - `delete`: the documents are the person's data and go;
 * - `end`: rows of a history that name only the subject id stay, and what is still open is ended
 *   (`revokedAt`/`revokedBy` set), so the history keeps answering for past dates;
 * - `retain`: evidence holding the subject id and field names, never values (the change log);
 * - `unlink`: the documents stay without the subject (`unlink` names the fields set to null), so what they
 *   count still counts and nothing in them leads back to the person;
 * - `tombstone`: the list of erased ids itself.
 */
export type ErasureRule = 'delete' | 'end' | 'retain' | 'unlink' | 'tombstone';

export interface SubjectDataPlace {
  /** The documents about any of these subjects; the caller adds the tenant. */
  about(subjectIds: readonly string[]): Record<string, unknown>;
  /** The subject a stored document is about, read from the raw document as a backup holds it. */
  subjectOf(doc: Readonly<Record<string, unknown>>): string | undefined;
  erasure: ErasureRule;
  /** For `unlink`: the fields that name the subject, set to null. */
  unlink?: Record<string, null>;
  /**
   * Its documents' own ids name the same person elsewhere: an invitation's id is the invitee's subject id
   * before they become a user (change-log entries and mails about the invitation use it).
   */
  idsNameSubject?: true;
  /**
   * Its documents may name the subject only by the pseudonym of one of their devices (an event a lock reported
   * from a phone key), which only the `devices` collection ties to the user: the documents about these device
   * ids. Export includes them; erasure sets `unlink` on them too, before the devices themselves go.
   */
  aboutDevices?(deviceIds: readonly string[]): Record<string, unknown>;
  /** What it holds about the person, in words (for the register of processing activities). */
  holds: string;
}

const ids = (subjectIds: readonly string[]) => ({ $in: [...subjectIds] });
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Where a subject's data lives: every collection that holds a subject id, and what erasure, export and the
 * restore of a backup do with it. One place, so a new collection is a decision here, not a forgotten corner;
 * test/privacy/subject-data.registry.test.ts fails for a registered model that is in neither list below.
 */
export const SUBJECT_DATA = {
  users: {
    about: (s) => ({ _id: ids(s) }),
    subjectOf: (doc) => str(doc._id),
    erasure: 'delete',
    holds: 'the profile: sealed email, names, phone and SCIM externalId, the blind indexes of email and externalId, password hash, locale, roles, status',
  },
  oidcEntries: {
    about: (s) => ({ accountId: ids(s) }),
    subjectOf: (doc) => str(doc.accountId),
    erasure: 'delete',
    holds: 'sessions, grants, codes and tokens (sealed payloads naming the subject id, the client, scopes, times); a session\'s browser and system by name',
  },
  pendingLogins: {
    about: (s) => ({ accountId: ids(s) }),
    subjectOf: (doc) => str(doc.accountId),
    erasure: 'delete',
    holds: 'sign-ins between the first factor and the last step: subject id and methods used',
  },
  invitations: {
    // Before acceptance the invitation's own id is the invitee's subject id; after it, `userId` names the user.
    about: (s) => ({ $or: [{ _id: ids(s) }, { userId: ids(s) }] }),
    subjectOf: (doc) => str(doc.userId) ?? str(doc._id),
    erasure: 'delete',
    idsNameSubject: true,
    holds: 'sealed email and name until accepted, roles and doors offered, who invited, the accepting user id',
  },
  accountTokens: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    erasure: 'delete',
    holds: 'password-reset and email-verification links: token hash, email blind index, times',
  },
  mailOutbox: {
    about: (s) => ({ subjectId: ids(s) }),
    subjectOf: (doc) => str(doc.subjectId),
    erasure: 'delete',
    holds: 'mails to the person: the sealed rendered message (address, link) until sent, delivery state',
  },
  webhookOutbox: {
    about: (s) => ({ subjectId: ids(s) }),
    subjectOf: (doc) => str(doc.subjectId),
    erasure: 'delete',
    holds: 'webhook events about the person: their id (names and email only where the tenant opted in; never on access events, which add lock, door, device pseudonym, result and time), delivery state',
  },
  mfaFactors: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    erasure: 'delete',
    holds: 'second factors: sealed TOTP secret, passkey credential and public key, recovery-code hashes, last use',
  },
  mfaChallenges: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    erasure: 'delete',
    holds: 'second-factor ceremonies in progress and counts of wrong codes',
  },
  doorPermissions: {
    about: (s) => ({ holderType: 'user', holderId: ids(s) }),
    subjectOf: (doc) => (doc.holderType === 'user' ? str(doc.holderId) : undefined),
    erasure: 'end',
    holds: 'door grants and their history: the subject id, door, window, who granted and revoked; no personal values',
  },
  roleMembershipChanges: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    // Kept like the door grants' history: erasure appends the removals itself (UserService), so the record
    // still answers who could open a door before the erasure, naming only the subject id.
    erasure: 'retain',
    holds: 'which roles the subject held from when to when, and who changed them; no personal values',
  },
  changeLog: {
    about: (s) => ({ subjectId: ids(s) }),
    subjectOf: (doc) => str(doc.subjectId),
    erasure: 'retain',
    holds: 'entries about the subject: action, field names and actor, never values (accountability evidence)',
  },
  accessEvents: {
    about: (s) => ({ subjectId: ids(s) }),
    subjectOf: (doc) => str(doc.subjectId),
    // The door's log keeps its counts of successful and unsuccessful attempts (a promise to the customer);
    // only the link to the person goes.
    erasure: 'unlink',
    // The device pseudonym goes too: the same phone key registered again would get the same one.
    unlink: { subjectId: null, deviceId: null },
    aboutDevices: (d) => ({ deviceId: ids(d) }),
    holds: 'access decisions and lock-reported events about the subject or one of their devices: lock, door, time, result, reason or error cause, method, device pseudonym (src/access)',
  },
  changeLogPending: {
    about: (s) => ({ 'change.subjectId': ids(s) }),
    subjectOf: (doc) => str((doc.change as Record<string, unknown> | undefined)?.subjectId),
    erasure: 'retain',
    holds: 'a change announced in the change log whose outcome is not written yet: action, field names and actor, never values; gone once settled',
  },
  devices: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    erasure: 'delete',
    holds: "the subject's phones: a pseudonymous id, a label, the public key, when registered and revoked (src/access)",
  },
  revocations: {
    // Only a person's own entry names them; it stays after erasure, so locks keep refusing their door keys.
    about: (s) => ({ type: 'user', subjectId: ids(s) }),
    subjectOf: (doc) => (doc.type === 'user' ? str(doc.subjectId) : undefined),
    erasure: 'retain',
    holds: "the subject's id and when their door keys stopped counting, in the locks' revocation list; no personal values",
  },
  federatedIdentities: {
    about: (s) => ({ userId: ids(s) }),
    subjectOf: (doc) => str(doc.userId),
    erasure: 'delete',
    holds: "the person's subject id at an upstream provider (its issuer and sub), linked to the user",
  },
  deletedSubjects: {
    about: (s) => ({ subjectId: ids(s) }),
    subjectOf: (doc) => str(doc.subjectId),
    erasure: 'tombstone',
    holds: 'the ids of erased and anonymized subjects, and when: what keeps them out of restores',
  },
} satisfies Partial<Record<ModelName, SubjectDataPlace>>;

/** Collections that hold no subject's data, each with the reason; a reason is a claim the test makes us state. */
export const NO_SUBJECT_DATA = {
  tenants: 'tenant settings and the wrapped data key',
  tenantLogos: "the tenant's logo image",
  roles: 'role names and descriptions defined by the tenant',
  doors: 'door keys and names',
  clients: 'relying parties and service accounts',
  resourceServers: "the tenant's APIs: identifiers, scopes, token lifetimes",
  signingKeys: 'sealed signing keys',
  changeLogAnchors: 'where a pruned chain continues: a seq and a hash',
  tenantKeys: "tenants' wrapped data keys",
  webhookSubscriptions: "the tenant's webhook URLs, event types and sealed signing secrets",
  upstreamIdps: "the tenant's upstream OpenID providers: issuer, client id, sealed secret, email domains",
  jobLocks: 'which process runs a scheduled job, and until when',
  locks: 'locks of the tenant: name, doors served, model, firmware, the latest status',
  lockStatusReports: "a lock's status reports: battery, firmware, error codes, times",
  migrations: 'which schema migrations the database has had, and when',
  revocationCounters: "the latest version of each tenant's revocation list",
} satisfies Partial<Record<ModelName, string>>;

export type SubjectDataModel = keyof typeof SUBJECT_DATA;

export function subjectDataPlaces(): [SubjectDataModel, SubjectDataPlace][] {
  return Object.entries(SUBJECT_DATA) as [SubjectDataModel, SubjectDataPlace][];
}
