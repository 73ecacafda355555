import { decodeJwt } from 'jose';
import { type AdminCall, type AdminWorld, serviceToken, setUpAdminWorld } from '../support/admin.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';
import { parseCsv } from '../audit/csv.js';
import { CHECKPOINT_ROW_ACTION } from '../../src/audit/change-log-export.js';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  fields: string[];
  hash: string;
}

describe('admin API: personal-data change log', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  const userIds: string[] = [];

  const actorOf = (token: string, slug: string) => `service:${decodeJwt(token).sub}@${slug}`;
  const all = async (slug = 'tenant-a', token = tokens.auditorA): Promise<Entry[]> => (await call('GET', `/tenants/${slug}/change-log?limit=200`, token)).body.items;
  const list = async (query: string): Promise<Entry[]> => {
    const res = await call('GET', `/tenants/tenant-a/change-log?limit=200&${query}`, tokens.auditorA);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const seqs = (entries: Entry[]) => entries.map((e) => e.seq);

  async function createUser(token: string | undefined, email: string, slug = 'tenant-a'): Promise<string> {
    const res = await call('POST', `/tenants/${slug}/users`, token, { email, name: 'Some Person' });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
    // Changes by two actors, of several kinds, about several people.
    for (let i = 0; i < 3; i++) userIds.push(await createUser(tokens.adminA, `admin-made-${i}@tenant-a.test`));
    userIds.push(await createUser(tokens.managerA, 'manager-made@tenant-a.test'));
    await call('PATCH', `/tenants/tenant-a/users/${userIds[0]}`, tokens.managerA, { name: 'Renamed Person', locale: 'de' });
    await call('POST', `/tenants/tenant-a/users/${userIds[1]}/lock`, tokens.adminA);
    await call('PATCH', `/tenants/tenant-a/users/${userIds[0]}`, tokens.adminA, { phone: '+45 12 34 56 78' });
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    const matrix: [string, number][] = [
      ['operator', 403],
      ['adminA', 200],
      ['managerA', 403],
      ['auditorA', 200],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(matrix)('list, export and verify as %s answer %i', async (who, status) => {
      for (const path of ['/change-log', '/change-log/export', '/change-log/export?format=csv', '/change-log/verify']) {
        const res = await call('GET', `/tenants/tenant-a${path}`, tokens[who]);
        expect([path, res.status]).toEqual([path, status]);
      }
    });
  });

  describe('filters', () => {
    it('by subject', async () => {
      const entries = await list(`subject=${userIds[0]}`);
      expect(entries.map((e) => e.action)).toEqual(['user.updated', 'user.updated', 'user.created']);
      expect(entries.every((e) => e.subject_id === userIds[0])).toBe(true);
    });

    it('by actor', async () => {
      const manager = actorOf(tokens.managerA!, 'tenant-a');
      const entries = await list(`actor=${encodeURIComponent(manager)}`);
      expect(seqs(entries)).toEqual(seqs((await all()).filter((e) => e.actor === manager)));
      expect(entries.map((e) => e.action).sort()).toEqual(['user.created', 'user.updated']);
    });

    it('by action, alone and with an actor', async () => {
      const updated = await list('action=user.updated');
      expect(updated).toHaveLength(2);
      const admin = actorOf(tokens.adminA!, 'tenant-a');
      const byAdmin = await list(`action=user.updated&actor=${encodeURIComponent(admin)}`);
      expect(byAdmin).toHaveLength(1);
      expect(byAdmin[0]!.fields).toEqual(['phone']);
    });

    it('by time range: from inclusive, to exclusive', async () => {
      const entries = await all();
      const from = entries[entries.length - 2]!.at;
      const to = entries[1]!.at;
      const expected = entries.filter((e) => e.at >= from && e.at < to);
      expect(expected.length).toBeGreaterThan(0);
      expect(seqs(await list(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`))).toEqual(seqs(expected));
      expect(seqs(await list(`from=${encodeURIComponent(from)}`))).toEqual(seqs(entries.filter((e) => e.at >= from)));
    });

    it.each([
      ['from=yesterday', 'query.from'],
      ['to=2024-13-01T00:00:00Z', 'query.to'],
      ['limit=0', 'query.limit'],
      ['actor=a&actor=b', 'query.actor'],
    ])('refuses %s naming %s', async (query, field) => {
      const res = await call('GET', `/tenants/tenant-a/change-log?${query}`, tokens.auditorA);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it('pages newest first with a cursor that stays stable while entries are added', async () => {
    const before = seqs(await all());
    const seen: number[] = [];
    let cursor: string | null = null;
    let last: { next_cursor?: string | null } = {};
    do {
      const res: { body: { items: Entry[]; next_cursor: string | null } } = await call('GET', `/tenants/tenant-a/change-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`, tokens.auditorA);
      seen.push(...seqs(res.body.items));
      cursor = res.body.next_cursor;
      last = res.body;
      await createUser(tokens.adminA, `while-paging-${seen.length}@tenant-a.test`);
    } while (cursor);
    expect(seen).toEqual(before);
    expect(last.next_cursor).toBeNull();
    expect((await all()).length).toBeGreaterThan(before.length);
  });

  describe('exports', () => {
    it('exports NDJSON, oldest first, that parses back into the listed entries', async () => {
      const entries = await all();
      const res = await call('GET', '/tenants/tenant-a/change-log/export', tokens.auditorA);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="change-log-tenant-a\.ndjson"/);
      const lines = (res.body as string).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      // The last line is the signed checkpoint of the chain as the export began.
      expect(lines.pop()).toEqual({ checkpoint: expect.objectContaining({ seq: entries[0]!.seq, hash: entries[0]!.hash }) });
      expect(lines.map((l) => l.seq)).toEqual(seqs(entries).reverse());
      const bySeq = new Map(entries.map((e) => [e.seq, e]));
      for (const line of lines) {
        const listed = bySeq.get(line.seq as number)!;
        expect(line).toMatchObject({ at: listed.at, actor: listed.actor, action: listed.action, subjectId: listed.subject_id, fields: listed.fields, hash: listed.hash });
      }
    });

    it('exports CSV that parses back, with the same filters as the list', async () => {
      const created = await list('action=user.created');
      const res = await call('GET', '/tenants/tenant-a/change-log/export?format=csv&action=user.created', tokens.adminA);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const [header, ...rows] = parseCsv(res.body as string);
      const column = (name: string) => header!.indexOf(name);
      expect(rows.pop()![column('action')]).toBe(CHECKPOINT_ROW_ACTION);
      expect(header).toEqual(expect.arrayContaining(['seq', 'at', 'actor', 'action', 'subjectId', 'fields', 'hash']));
      expect(rows.map((r) => Number(r[column('seq')]))).toEqual(seqs(created).reverse());
      expect(new Set(rows.map((r) => r[column('action')]))).toEqual(new Set(['user.created']));
      const [newest] = created;
      const row = rows.find((r) => Number(r[column('seq')]) === newest!.seq)!;
      expect(row[column('hash')]).toBe(newest!.hash);
      expect(row[column('fields')]!.split(';')).toEqual(newest!.fields);
    });
  });

  describe('verification', () => {
    it('verifies an intact chain', async () => {
      const entries = await all();
      const res = await call('GET', '/tenants/tenant-a/change-log/verify', tokens.auditorA);
      // Compared with the checkpoint the exports above left beside the backups.
      expect(res.body).toEqual({ ok: true, checked: entries.length, first_broken: null, checkpoint: { seq: expect.any(Number), at: expect.any(String) } });
    });

    it('names the seq of an entry altered in the database', async () => {
      const t = await createTenantFixture(idp.services, 'tenant-t');
      const adminT = await serviceToken(idp, t.tenant, ['tenant_admin']);
      for (let i = 0; i < 3; i++) await createUser(adminT, `t-${i}@tenant-t.test`, 'tenant-t');
      const entries = await all('tenant-t', adminT);
      const victim = entries[1]!;

      // Someone with database access rewrites history: which fields were changed.
      await idp.db.models.changeLog.collection.updateOne({ tenantId: t.tenant._id, seq: victim.seq }, { $set: { fields: ['name'] } });

      const res = await call('GET', '/tenants/tenant-t/change-log/verify', adminT);
      expect(res.body).toMatchObject({ ok: false, first_broken: { seq: victim.seq, reason: 'hash-mismatch' } });
      expect((await call('GET', '/tenants/tenant-a/change-log/verify', tokens.auditorA)).body.ok).toBe(true);
    });

    it('names the newest entry deleted in the database as truncated, against the checkpoint the scheduled job kept', async () => {
      const u = await createTenantFixture(idp.services, 'tenant-u');
      const adminU = await serviceToken(idp, u.tenant, ['tenant_admin']);
      for (let i = 0; i < 2; i++) await createUser(adminU, `u-${i}@tenant-u.test`, 'tenant-u');
      expect(await idp.scheduler.runNow('change-log-checkpoint')).toMatchObject({ ran: true, result: { failed: [] } });
      const [newest] = await all('tenant-u', adminU);

      await idp.db.models.changeLog.collection.deleteOne({ tenantId: u.tenant._id, seq: newest!.seq });

      const res = await call('GET', '/tenants/tenant-u/change-log/verify', adminU);
      expect(res.body).toEqual({
        ok: false,
        checked: newest!.seq - 1,
        first_broken: { seq: newest!.seq, id: null, reason: 'truncated' },
        checkpoint: { seq: newest!.seq, at: expect.any(String) },
      });
    });
  });
});
