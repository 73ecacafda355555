import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TestIdp } from '../support/test-idp.js';
import { parseCsv } from '../audit/csv.js';

/**
 * Actions with GDPR consequences say so to the admin who takes them: in `warnings` where the answer is a JSON
 * object, and in `Doorway-Warning` headers everywhere, which is how a streamed export says it.
 */
describe('admin API: GDPR warnings', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  const warningsIn = (headers: Headers) => headers.get('doorway-warning');

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
    await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'logged@tenant-a.test', name: 'Logged Person' });
  });
  afterAll(() => idp.close());

  describe('change-log export', () => {
    it.each(['ndjson', 'csv'])('says in a header that the %s export holds personal data, and keeps the body clean', async (format) => {
      const res = await call('GET', `/tenants/tenant-a/change-log/export?format=${format}`, tokens.auditorA);
      expect(res.status).toBe(200);
      expect(warningsIn(res.headers)).toMatch(/holds personal data/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = res.body as string;
      expect(body).not.toMatch(/personal data/);
      const records = format === 'csv' ? parseCsv(body).slice(1) : body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(records.length).toBeGreaterThan(0);
    });

    it('does not warn where nothing leaves: reading a page of the log', async () => {
      const res = await call('GET', '/tenants/tenant-a/change-log', tokens.auditorA);
      expect(warningsIn(res.headers)).toBeNull();
      expect(res.body.warnings).toBeUndefined();
    });

    it('puts the warnings of a JSON answer in the header too', async () => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'watcher@tenant-a.test', roles: ['auditor'] });
      expect(res.body.warnings).toEqual([expect.stringMatching(/change log/)]);
      expect(warningsIn(res.headers)).toBe(res.body.warnings[0]);
    });
  });

  describe('inactivity anonymization period', () => {
    const inactivity = (slug: string, token: string | undefined, days: unknown) =>
      call('PATCH', `/tenants/${slug}`, token, { settings: { inactivity_days: days } });

    it('warns when it is raised beyond the promised two years, on create and on update', async () => {
      const created = await call('POST', '/tenants', tokens.operator, { slug: 'slow-forget', name: 'Slow', settings: { inactivity_days: 1000 } });
      expect(created.status).toBe(201);
      expect(created.body.warnings).toEqual([expect.stringMatching(/anonymized only after 1000 days/)]);
      const raised = await inactivity('tenant-a', tokens.adminA, 3650);
      expect(raised.status).toBe(200);
      expect(raised.body.warnings).toEqual([expect.stringMatching(/3650 days.*kept longer/)]);
    });

    it('does not warn of keeping data longer at or below two years; shortening warns that anonymization comes sooner', async () => {
      for (const days of [730, 365]) {
        const res = await inactivity('tenant-b', tokens.adminB, days);
        expect([days, res.status, (res.body.warnings ?? []).filter((w: string) => w.includes('kept longer'))]).toEqual([days, 200, []]);
      }
      const again = await inactivity('tenant-b', tokens.adminB, 365);
      expect(again.body.warnings).toBeUndefined();
      const shorter = await inactivity('tenant-b', tokens.adminB, 200);
      expect(shorter.body.warnings).toEqual([expect.stringMatching(/inactive for 200 days will be anonymized .* earlier than after the 365 days/)]);
    });

    it('cannot be disabled: no value turns anonymization off, and the period stays as it was', async () => {
      const before = (await call('GET', '/tenants/tenant-b', tokens.adminB)).body.settings.inactivity_days;
      for (const days of [null, 0, -1, 3651, 'never', false]) {
        const res = await inactivity('tenant-b', tokens.adminB, days);
        expect([days, res.status]).toEqual([days, 400]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.settings.inactivity_days');
      }
      expect((await call('GET', '/tenants/tenant-b', tokens.adminB)).body.settings.inactivity_days).toBe(before);
    });
  });
});
