import type { ChangeLogEntry } from '../../src/audit/change-log-query.js';
import { ValidationError } from '../../src/errors/http-errors.js';
import { CHECKPOINT_ROW_ACTION } from '../../src/audit/change-log-export.js';
import { parseCsv } from './csv.js';
import { alice, appendMany, as, newTenant, openChangeLog, userUpdated, type ChangeLogHarness } from './change-log-harness.js';

async function collect(lines: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const line of lines) text += line;
  return text;
}

describe('change log reading', () => {
  let h: ChangeLogHarness;
  const bob = { type: 'user', id: 'usr_bob', tenant: 'acme' } as const;

  beforeAll(async () => {
    h = await openChangeLog();
  });
  afterAll(async () => {
    await h.close();
  });

  describe('list', () => {
    const tenantId = newTenant();
    const seqsOf = (items: ChangeLogEntry[]) => items.map((e) => e.seq);

    beforeAll(async () => {
      const days = ['2025-01-10', '2025-01-20', '2025-02-01', '2025-02-15', '2025-03-01'];
      for (const [i, iso] of days.entries()) {
        h.clock.now = new Date(`${iso}T08:00:00.000Z`);
        const actor = i % 2 ? bob : alice;
        const change = i === 3 ? { action: 'user.deleted', subjectType: 'user', subjectId: 'usr_carl', fields: [] } : userUpdated(i < 2 ? 'usr_anna' : 'usr_carl');
        await as(actor, () => h.log.append(tenantId, change));
      }
    });

    it('goes newest first', async () => {
      expect(seqsOf((await h.log.list(tenantId, {}, { limit: 10 })).items)).toEqual([5, 4, 3, 2, 1]);
    });

    it('filters by subject, actor, action and time range', async () => {
      const list = async (filter: Parameters<typeof h.log.list>[1]) => seqsOf((await h.log.list(tenantId, filter, { limit: 10 })).items);
      expect(await list({ subjectId: 'usr_anna' })).toEqual([2, 1]);
      expect(await list({ actor: 'user:usr_bob@acme' })).toEqual([4, 2]);
      expect(await list({ action: 'user.deleted' })).toEqual([4]);
      expect(await list({ from: new Date('2025-01-20T08:00:00.000Z'), to: new Date('2025-02-15T08:00:00.000Z') })).toEqual([3, 2]);
      expect(await list({ subjectId: 'usr_carl', actor: 'user:usr_alice@acme' })).toEqual([5, 3]);
    });

    it('refuses an operator object where a value belongs', async () => {
      await expect(h.log.list(tenantId, { subjectId: { $ne: '' } as never }, { limit: 10 })).rejects.toThrow(ValidationError);
    });

    it.each([
      ['a cursor that is not one of ours', { cursor: 'not-a-cursor', limit: 10 }],
      ['a page size of zero', { limit: 0 }],
      ['a page size over the maximum', { limit: 10_000 }],
    ])('refuses %s', async (_case, page) => {
      await expect(h.log.list(tenantId, {}, page)).rejects.toThrow(ValidationError);
    });
  });

  it('pages without duplicates or skips while entries are appended between pages', async () => {
    const tenantId = newTenant();
    const first = await appendMany(h.log, tenantId, 25);
    const seen: number[] = [];
    let page = await h.log.list(tenantId, {}, { limit: 10 });
    seen.push(...page.items.map((e) => e.seq));
    await appendMany(h.log, tenantId, 5);
    while (page.nextCursor) {
      page = await h.log.list(tenantId, {}, { cursor: page.nextCursor, limit: 10 });
      seen.push(...page.items.map((e) => e.seq));
      await appendMany(h.log, tenantId, 1);
    }
    expect(seen).toEqual([...first].reverse());
    // The appends between pages really happened, or the spec would prove nothing.
    expect((await h.log.list(tenantId, {}, { limit: 1 })).items[0]?.seq).toBe(25 + 5 + 2);
  });

  describe('export', () => {
    const tenantId = newTenant();

    beforeAll(async () => {
      await appendMany(h.log, tenantId, 12);
      // Request ids come from clients: one with a comma and quotes, one that a spreadsheet would run.
      await as(alice, () => h.log.append(tenantId, userUpdated('usr_dan', ['email', 'phone'])), { requestId: 'r,"1"' });
      await as(alice, () => h.log.append(tenantId, userUpdated('usr_dan', ['name'])), { requestId: '=HYPERLINK("x")' });
    });

    it('writes NDJSON lines that each parse as one entry, oldest first, then the checkpoint', async () => {
      const text = await collect(h.log.export(tenantId, {}, 'ndjson'));
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      expect(JSON.parse(lines.pop()!)).toEqual({ checkpoint: expect.objectContaining({ tenantId, seq: 14 }) });
      const entries = lines.map((line) => JSON.parse(line) as { seq: number; fields: string[]; at: string });
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
      expect(entries[12]).toMatchObject({ subjectId: 'usr_dan', fields: ['email', 'phone'], requestId: 'r,"1"' });
      expect(new Date(entries[0]!.at).toISOString()).toBe(entries[0]!.at);
    });

    it('writes RFC 4180 CSV with a header that reads back to the same entries', async () => {
      const [header, ...rows] = parseCsv(await collect(h.log.export(tenantId, {}, 'csv')));
      expect(header).toEqual(['seq', 'at', 'actor', 'actorType', 'action', 'subjectType', 'subjectId', 'fields', 'counts', 'requestId', 'ipHash', 'ip', 'id', 'refersTo', 'prevHash', 'hash', 'kid', 'mac']);
      expect(rows.pop()![header!.indexOf('action')]).toBe(CHECKPOINT_ROW_ACTION);
      expect(rows).toHaveLength(14);
      const column = (name: string) => rows.map((r) => r[header!.indexOf(name)]);
      expect(column('seq')).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
      expect(column('fields')[12]).toBe('email;phone');
      expect(column('requestId').slice(12)).toEqual(['r,"1"', `'=HYPERLINK("x")`]);
    });

    it('exports only what the filter selects', async () => {
      const text = await collect(h.log.export(tenantId, { subjectId: 'usr_dan' }, 'ndjson'));
      // The checkpoint at the end is of the whole chain, whatever the filter.
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { seq?: number; checkpoint?: { seq: number } });
      expect(lines.map((l) => l.seq ?? `checkpoint of ${l.checkpoint?.seq}`)).toStrictEqual([13, 14, 'checkpoint of 14']);
    });

    it('can be stopped part-way, as when a download is aborted', async () => {
      const lines: string[] = [];
      for await (const line of h.log.export(tenantId, {}, 'csv')) {
        lines.push(line);
        if (lines.length === 3) break;
      }
      expect(lines).toHaveLength(3);
      expect(await h.log.verify(tenantId)).toMatchObject({ ok: true, checked: 14 });
    });
  });
});
