import { restoredForm, RESTORE_ACTOR, type Tombstones } from '../../src/privacy/restore-filter.js';
import { NO_SUBJECT_DATA, SUBJECT_DATA } from '../../src/privacy/subject-data.registry.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';

describe('where a subject’s data lives', () => {
  let db: OpenTestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('names every registered collection, either as holding subject data or as holding none', () => {
    const decided = [...Object.keys(SUBJECT_DATA), ...Object.keys(NO_SUBJECT_DATA)].sort();
    expect(decided).toEqual(Object.keys(db.models).sort());
  });

  it('never names a collection both ways', () => {
    expect(Object.keys(SUBJECT_DATA).filter((name) => name in NO_SUBJECT_DATA)).toEqual([]);
  });

  it('gives a reason for every collection said to hold no subject data', () => {
    for (const why of Object.values(NO_SUBJECT_DATA)) expect(why.length).toBeGreaterThan(10);
  });
});

describe('restoring a backup past erasures', () => {
  const deletedAt = new Date('2025-01-02T03:04:05Z');
  const tombstones: Tombstones = new Map([
    ['usr_erased', { deletedAt, reason: 'erased' as const }],
    ['usr_anonymized', { deletedAt, reason: 'anonymized' as const }],
    ['inv_of_erased', { deletedAt, reason: 'erased' as const }],
  ]);
  const user = (id: string) => ({
    _id: id,
    tenantId: 'ten_1',
    email: 'v1.sealed',
    emailHash: 'hash',
    name: 'v1.sealed',
    phone: 'v1.sealed',
    passwordHash: '$argon2id$',
    locale: 'da',
    roles: ['employee'],
    status: 'active',
    createdAt: deletedAt,
  });

  it('keeps an erased user, their sessions and their mails out of the database', () => {
    expect(restoredForm('users', user('usr_erased'), tombstones)).toBeNull();
    expect(restoredForm('oidcEntries', { tenantId: 'ten_1', kind: 'Session', accountId: 'usr_erased' }, tombstones)).toBeNull();
    expect(restoredForm('mailOutbox', { tenantId: 'ten_1', subjectId: 'inv_of_erased', message: 'v1.sealed' }, tombstones)).toBeNull();
    expect(restoredForm('invitations', { _id: 'inv_of_erased', tenantId: 'ten_1', userId: 'usr_erased' }, tombstones)).toBeNull();
  });

  it('brings an anonymized user back only without their personal fields', () => {
    const restored = restoredForm('users', user('usr_anonymized'), tombstones)!;
    expect(restored).toMatchObject({ _id: 'usr_anonymized', status: 'anonymized', roles: [], emailVerified: false });
    for (const field of ['email', 'emailHash', 'name', 'phone', 'passwordHash', 'locale']) expect(restored).not.toHaveProperty(field);
  });

  it('brings back door grants of an erased user as history, ended, and leaves ended ones as they were', () => {
    const open = { _id: 'dpm_1', tenantId: 'ten_1', holderType: 'user', holderId: 'usr_erased', revokedAt: null };
    expect(restoredForm('doorPermissions', open, tombstones)).toMatchObject({ revokedAt: deletedAt, revokedBy: RESTORE_ACTOR });
    const ended = { ...open, revokedAt: new Date('2024-01-01'), revokedBy: 'user:usr_admin@acme' };
    expect(restoredForm('doorPermissions', ended, tombstones)).toBe(ended);
  });

  it('keeps change-log entries about an erased user: they hold ids and field names only', () => {
    const entry = { _id: 'chg_1', tenantId: 'ten_1', subjectId: 'usr_erased', fields: ['email'] };
    expect(restoredForm('changeLog', entry, tombstones)).toBe(entry);
  });

  it('restores everyone else, and grants to roles, as they were', () => {
    const other = user('usr_alive');
    expect(restoredForm('users', other, tombstones)).toBe(other);
    const roleGrant = { _id: 'dpm_2', tenantId: 'ten_1', holderType: 'role', holderId: 'usr_erased' };
    expect(restoredForm('doorPermissions', roleGrant, tombstones)).toBe(roleGrant);
    const door = { _id: 'dor_1', tenantId: 'ten_1', key: 'lab' };
    expect(restoredForm('doors', door, tombstones)).toBe(door);
  });
});
