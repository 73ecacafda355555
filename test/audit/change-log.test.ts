import { createLogger } from '../../src/observability/logger.js';
import { CHANGE_LOG_KEYS } from '../../src/audit/change-log.model.js';
import type { ChangeInput } from '../../src/audit/change-log-input.js';
import { MissingActorError } from '../../src/audit/change-log.errors.js';
import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { currentContext } from '../../src/audit/request-context.js';
import { UnscopedQueryError, ValidationError } from '../../src/errors/http-errors.js';
import { alice, as, newTenant, openChangeLog, userUpdated, type ChangeLogHarness } from './change-log-harness.js';

describe('change log entries', () => {
  let h: ChangeLogHarness;
  const stored = (tenantId: string) => h.db.models.changeLog.collection.find({ tenantId }).sort({ seq: 1 }).toArray();

  beforeAll(async () => {
    h = await openChangeLog();
  });
  afterAll(async () => {
    await h.close();
  });

  describe('who acts', () => {
    it('refuses a change made outside any request context, and writes nothing', async () => {
      const tenantId = newTenant();
      await expect(h.log.append(tenantId, userUpdated())).rejects.toThrow(MissingActorError);
      expect(await stored(tenantId)).toHaveLength(0);
    });

    it('records the actor of the context as one individual identity, with request id and a keyed hash of the address', async () => {
      const tenantId = newTenant();
      const entry = await as(alice, () => h.log.append(tenantId, userUpdated()), { requestId: 'req-42', ip: '192.0.2.7' });
      expect(entry).toMatchObject({ actor: 'user:usr_alice@acme', actorType: 'user', requestId: 'req-42', ipHash: expect.stringMatching(/^[\w-]{22}$/) });
      const [doc] = await stored(tenantId);
      expect(doc).toMatchObject({ actor: 'user:usr_alice@acme', actorType: 'user', requestId: 'req-42', ipHash: entry.ipHash });
      expect(doc).not.toHaveProperty('ip');
      expect(JSON.stringify(doc)).not.toContain('192.0.2.7');
    });

    it('names one address by one hash within a tenant, and by another in every other tenant', async () => {
      const [t1, t2] = [newTenant(), newTenant()];
      const from = (tenantId: string, ip: string) => as(alice, () => h.log.append(tenantId, userUpdated()), { ip });
      const first = await from(t1, '192.0.2.7');
      expect((await from(t1, '192.0.2.7')).ipHash).toBe(first.ipHash);
      expect((await from(t1, '192.0.2.8')).ipHash).not.toBe(first.ipHash);
      expect((await from(t2, '192.0.2.7')).ipHash).not.toBe(first.ipHash);
    });

    it('stores no address at all when it has no key to hash one with', async () => {
      const tenantId = newTenant();
      const keyless = new ChangeLogService(h.db.models, { logger: createLogger('silent') });
      await as(alice, () => keyless.append(tenantId, userUpdated()), { ip: '192.0.2.7' });
      const [doc] = await stored(tenantId);
      expect(doc).not.toHaveProperty('ip');
      expect(doc).not.toHaveProperty('ipHash');
    });

    it('keeps the actors of concurrent requests apart', async () => {
      const tenantId = newTenant();
      const job = { type: 'job', id: 'anonymize-inactive' } as const;
      const service = { type: 'service', id: 'cli_portal', tenant: 'platform' } as const;
      const [a, b] = await Promise.all([
        as(job, () => h.log.append(tenantId, userUpdated('usr_a'))),
        as(service, () => h.log.append(tenantId, userUpdated('usr_b'))),
      ]);
      expect([a.subjectId, a.actor]).toEqual(['usr_a', 'job:anonymize-inactive']);
      expect([b.subjectId, b.actor]).toEqual(['usr_b', 'service:cli_portal@platform']);
      expect(currentContext()).toBeUndefined();
    });

    it.each([
      ['an empty id', { type: 'user', id: '' }],
      ['a group name with a space', { type: 'user', id: 'All admins' }],
      ['an e-mail address', { type: 'user', id: 'anna@example.com' }],
      ['an unknown actor type', { type: 'group', id: 'admins' }],
    ])('refuses an actor with %s', async (_case, actor) => {
      const tenantId = newTenant();
      await expect(as(actor as never, () => h.log.append(tenantId, userUpdated()))).rejects.toThrow(MissingActorError);
      expect(await stored(tenantId)).toHaveLength(0);
    });
  });

  describe('no personal values', () => {
    it.each([
      ['a field name carrying a value', { fields: ['email=anna@example.com'] }],
      ['a name with a space', { fields: ['Anna Svensson'] }],
      ['a field name over 64 characters', { fields: ['f'.repeat(65)] }],
      ['an e-mail address as subject id', { subjectId: 'anna@example.com' }],
      ['free text as action', { action: 'changed the phone number' }],
      ['an e-mail address as a count name', { counts: { 'anna@example.com': 1 } }],
      ['a value as a count', { counts: { users: 'Anna Svensson' } }],
      ['a fraction as a count', { counts: { users: 1.5 } }],
    ])('refuses %s, and writes nothing', async (_case, override) => {
      const tenantId = newTenant();
      const change = { ...userUpdated(), ...override } as ChangeInput;
      await expect(as(alice, () => h.log.append(tenantId, change))).rejects.toThrow(ValidationError);
      expect(await stored(tenantId)).toHaveLength(0);
    });

    it('stores only the keys of the schema, whatever else the caller attached', async () => {
      const tenantId = newTenant();
      const leaky = { ...userUpdated('usr_bob', ['email', 'phone']), email: 'bob@example.com', phone: '+4512345678' };
      await as(alice, () => h.log.append(tenantId, leaky));
      const [doc] = await stored(tenantId);
      expect(Object.keys(doc!).filter((k) => !(CHANGE_LOG_KEYS as readonly string[]).includes(k))).toEqual([]);
      expect(JSON.stringify(doc)).not.toMatch(/bob@example\.com|12345678/);
      expect(doc!.fields).toEqual(['email', 'phone']);
    });
  });

  it('keeps counts under plain names on an entry about many records at once, covered by the chain', async () => {
    const tenantId = newTenant();
    const copy = { action: 'backup.created', subjectType: 'tenant', subjectId: tenantId, fields: ['users'], counts: { users: 12, skipped_users: 1 } };
    const entry = await as(alice, () => h.log.append(tenantId, copy));
    expect(entry.counts).toEqual({ users: 12, skipped_users: 1 });
    await h.db.models.changeLog.collection.updateOne({ _id: entry.id as never }, { $set: { 'counts.users': 13 } });
    expect(await h.log.verify(tenantId)).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: 'hash-mismatch' } });
  });

  describe('tenant scope', () => {
    it('keeps one chain per tenant, each starting at 1', async () => {
      const [a, b] = [newTenant(), newTenant()];
      await as(alice, async () => {
        await h.log.append(a, userUpdated());
        await h.log.append(b, userUpdated());
        await h.log.append(a, userUpdated());
      });
      expect((await stored(a)).map((d) => d.seq)).toEqual([1, 2]);
      expect((await stored(b)).map((d) => d.seq)).toEqual([1]);
      expect((await h.log.list(b, {}, { limit: 10 })).items.map((e) => e.tenantId)).toEqual([b]);
    });

    it('refuses queries on its collections that do not name a tenant', async () => {
      await expect(h.db.models.changeLog.find({ subjectId: 'usr_bob' })).rejects.toThrow(UnscopedQueryError);
      await expect(h.db.models.changeLog.deleteMany({})).rejects.toThrow(UnscopedQueryError);
      await expect(h.db.models.changeLogAnchors.findOne({})).rejects.toThrow(UnscopedQueryError);
    });

    it('returns every entry about one subject, oldest first, and none about others', async () => {
      const tenantId = newTenant();
      await as(alice, async () => {
        await h.log.append(tenantId, userUpdated('usr_anna'));
        await h.log.append(tenantId, userUpdated('usr_other'));
        await h.log.append(tenantId, { action: 'user.exported', subjectType: 'user', subjectId: 'usr_anna', fields: [] });
      });
      const about = await h.log.entriesAbout(tenantId, 'usr_anna');
      expect(about.map((e) => [e.seq, e.action])).toEqual([
        [1, 'user.updated'],
        [3, 'user.exported'],
      ]);
    });
  });

});
