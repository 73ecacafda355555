import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdapterPayload } from 'oidc-provider';
import { sweepExpiredEntries } from '../../src/oidc/expired-entries.sweeper.js';
import { EntryBatch } from '../../src/oidc/entry-batch.js';
import { MongoAdapter } from '../../src/oidc/mongo-adapter.js';
import { oidcEntryStore } from '../../src/oidc/oidc-entry.model.js';
import { countCommands } from '../support/db-commands.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';

const HOUR = 3600;

function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('base64url')}`;
}

/** A payload shaped like oidc-provider's own, with a marker so a test can tell entries apart. */
function tokenPayload(kind: string, extra: Partial<AdapterPayload> = {}): AdapterPayload {
  return {
    jti: uniqueId('jti'),
    kind,
    clientId: 'door-app',
    accountId: uniqueId('usr'),
    iat: Math.floor(Date.now() / 1000),
    // Keys with dots are legal in payloads (resource indicators) and must survive storage.
    extra: { 'urn:test:locks': { marker: randomBytes(6).toString('hex') } },
    ...extra,
  };
}

describe('oidc adapter', () => {
  let db: OpenTestDatabase;
  let tenantA: string;
  let tenantB: string;

  const adapter = (tenantId: string, kind: string) => new MongoAdapter(db.models.oidcEntries, tenantId, kind);
  const rawEntries = () => db.models.oidcEntries.collection;

  /** Moves an entry's expiry into the past directly in the database, as the clock would. */
  async function expireNow(tenantId: string, kind: string, id: string): Promise<void> {
    const { matchedCount } = await rawEntries().updateOne({ tenantId, kind, id }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });
    expect(matchedCount).toBe(1);
  }

  beforeAll(async () => {
    // Commands are followed so that a batch's writes can be counted.
    db = await openTestDatabase({ monitorCommands: true });
  });
  beforeEach(() => {
    tenantA = uniqueId('ten_a');
    tenantB = uniqueId('ten_b');
  });
  afterAll(async () => {
    await db.drop();
  });

  describe('upsert and find', () => {
    it('returns the payload that was upserted, dotted keys included', async () => {
      const tokens = adapter(tenantA, 'AccessToken');
      const id = uniqueId('at');
      const payload = tokenPayload('AccessToken', { grantId: uniqueId('grant') });
      await tokens.upsert(id, payload, HOUR);
      expect(await tokens.find(id)).toEqual(payload);
    });

    it('replaces the payload when the same id is upserted again, keeping one entry', async () => {
      const sessions = adapter(tenantA, 'Session');
      const id = uniqueId('sess');
      await sessions.upsert(id, tokenPayload('Session', { uid: uniqueId('uid') }), HOUR);
      const second = tokenPayload('Session', { uid: uniqueId('uid') });
      await sessions.upsert(id, second, HOUR);
      expect(await sessions.find(id)).toEqual(second);
      expect(await rawEntries().countDocuments({ tenantId: tenantA, kind: 'Session', id })).toBe(1);
    });

    it('keeps no lookup field or expiry of the earlier payload when an upsert replaces it', async () => {
      const sessions = adapter(tenantA, 'Session');
      const id = uniqueId('sess');
      const uid = uniqueId('uid');
      await sessions.upsert(id, tokenPayload('Session', { uid, grantId: uniqueId('grant') }), 60);
      const replacement = tokenPayload('Session');
      await sessions.upsert(id, replacement, 0);

      expect(await sessions.find(id)).toEqual(replacement);
      expect(await sessions.findByUid(uid)).toBeUndefined();
      const stored = await rawEntries().findOne({ tenantId: tenantA, kind: 'Session', id });
      expect(stored).not.toHaveProperty('uid');
      expect(stored).not.toHaveProperty('grantId');
      expect(stored).not.toHaveProperty('expiresAt');
    });

    it('stores the expiry expiresIn seconds after the upsert', async () => {
      const tokens = adapter(tenantA, 'AccessToken');
      const id = uniqueId('at');
      const before = Date.now();
      await tokens.upsert(id, tokenPayload('AccessToken'), 600);
      const after = Date.now();
      const stored = await rawEntries().findOne({ tenantId: tenantA, kind: 'AccessToken', id });
      expect(stored?.expiresAt).toBeInstanceOf(Date);
      const expiresAt = (stored!.expiresAt as Date).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 600_000);
    });

    it('returns undefined for an id that was never stored', async () => {
      expect(await adapter(tenantA, 'AccessToken').find(uniqueId('missing'))).toBeUndefined();
    });

    it('keeps kinds apart: the same id under another kind is another entry', async () => {
      const id = uniqueId('shared');
      const code = tokenPayload('AuthorizationCode');
      await adapter(tenantA, 'AuthorizationCode').upsert(id, code, HOUR);
      expect(await adapter(tenantA, 'AccessToken').find(id)).toBeUndefined();
      expect(await adapter(tenantA, 'AuthorizationCode').find(id)).toEqual(code);
    });
  });

  describe('expiry', () => {
    it('never returns an expired entry, whether or not the server has removed it yet', async () => {
      const tokens = adapter(tenantA, 'AccessToken');
      const expired = uniqueId('at');
      const live = uniqueId('at');
      await tokens.upsert(expired, tokenPayload('AccessToken'), HOUR);
      await tokens.upsert(live, tokenPayload('AccessToken'), HOUR);
      await expireNow(tenantA, 'AccessToken', expired);
      expect(await tokens.find(expired)).toBeUndefined();
      expect(await tokens.find(live)).toBeDefined();
    });

    it('stops returning an entry once its expiresIn has passed on the real clock', async () => {
      const codes = adapter(tenantA, 'AuthorizationCode');
      const shortLived = uniqueId('code');
      const longLived = uniqueId('code');
      await codes.upsert(shortLived, tokenPayload('AuthorizationCode'), 1);
      await codes.upsert(longLived, tokenPayload('AuthorizationCode'), HOUR);
      await sleep(1100);
      expect(await codes.find(shortLived)).toBeUndefined();
      expect(await codes.find(longLived)).toBeDefined();
    });

    it('applies expiry to lookups by uid and by user code too', async () => {
      const sessions = adapter(tenantA, 'Session');
      const devices = adapter(tenantA, 'DeviceCode');
      const sessionId = uniqueId('sess');
      const deviceId = uniqueId('dc');
      const uid = uniqueId('uid');
      const userCode = uniqueId('UC');
      await sessions.upsert(sessionId, tokenPayload('Session', { uid }), HOUR);
      await devices.upsert(deviceId, tokenPayload('DeviceCode', { userCode }), HOUR);
      expect(await sessions.findByUid(uid)).toBeDefined();
      expect(await devices.findByUserCode(userCode)).toBeDefined();

      await expireNow(tenantA, 'Session', sessionId);
      await expireNow(tenantA, 'DeviceCode', deviceId);
      expect(await sessions.findByUid(uid)).toBeUndefined();
      expect(await devices.findByUserCode(userCode)).toBeUndefined();
    });
  });

  describe('consume and destroy', () => {
    it('marks an entry consumed, with the time of consumption, on the next find', async () => {
      const codes = adapter(tenantA, 'AuthorizationCode');
      const id = uniqueId('code');
      await codes.upsert(id, tokenPayload('AuthorizationCode'), 60);
      expect((await codes.find(id))?.consumed).toBeUndefined();

      const before = Math.floor(Date.now() / 1000);
      await codes.consume(id);
      const after = Math.ceil(Date.now() / 1000);
      const consumed = (await codes.find(id))?.consumed as unknown;
      expect(typeof consumed).toBe('number');
      expect(consumed).toBeGreaterThanOrEqual(before);
      expect(consumed).toBeLessThanOrEqual(after);
    });

    it('keeps an entry consumed when it is written again, and writes it once when two writes race', async () => {
      const codes = adapter(tenantA, 'AuthorizationCode');
      const id = uniqueId('code');
      await Promise.all([codes.upsert(id, tokenPayload('AuthorizationCode'), 60), codes.upsert(id, tokenPayload('AuthorizationCode'), 60)]);
      expect(await rawEntries().countDocuments({ tenantId: tenantA, kind: 'AuthorizationCode', id })).toBe(1);
      await codes.consume(id);
      await codes.upsert(id, tokenPayload('AuthorizationCode'), 60);
      expect(typeof (await codes.find(id))?.consumed).toBe('number');
    });

    it('keeps the time of the first consumption when an entry is consumed again', async () => {
      const codes = adapter(tenantA, 'AuthorizationCode');
      const id = uniqueId('code');
      await codes.upsert(id, tokenPayload('AuthorizationCode'), 60);
      await codes.consume(id);
      const first = await rawEntries().findOne({ tenantId: tenantA, kind: 'AuthorizationCode', id });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await codes.consume(id);
      const again = await rawEntries().findOne({ tenantId: tenantA, kind: 'AuthorizationCode', id });
      expect(again!.consumedAt).toEqual(first!.consumedAt);
    });

    it("reads a refresh token as unused within the tenant's reuse interval after its consumption, and only a refresh token", async () => {
      const graceful = (kind: string) => new MongoAdapter(db.models.oidcEntries, tenantA, kind, undefined, undefined, 60_000);
      const token = uniqueId('refresh');
      const code = uniqueId('code');
      await graceful('RefreshToken').upsert(token, tokenPayload('RefreshToken'), HOUR);
      await graceful('AuthorizationCode').upsert(code, tokenPayload('AuthorizationCode'), 60);
      await graceful('RefreshToken').consume(token);
      await graceful('AuthorizationCode').consume(code);
      expect((await graceful('RefreshToken').find(token))?.consumed).toBeUndefined();
      expect(typeof (await graceful('AuthorizationCode').find(code))?.consumed).toBe('number');
      // The same entry through a tenant without an interval: consumed.
      expect(typeof (await adapter(tenantA, 'RefreshToken').find(token))?.consumed).toBe('number');
    });

    it('consumes only the named entry', async () => {
      const codes = adapter(tenantA, 'AuthorizationCode');
      const used = uniqueId('code');
      const unused = uniqueId('code');
      await codes.upsert(used, tokenPayload('AuthorizationCode'), 60);
      await codes.upsert(unused, tokenPayload('AuthorizationCode'), 60);
      await codes.consume(used);
      expect((await codes.find(unused))?.consumed).toBeUndefined();
    });

    it('destroys the named entry and no other', async () => {
      const tokens = adapter(tenantA, 'RefreshToken');
      const doomed = uniqueId('rt');
      const kept = uniqueId('rt');
      await tokens.upsert(doomed, tokenPayload('RefreshToken'), HOUR);
      await tokens.upsert(kept, tokenPayload('RefreshToken'), HOUR);
      await tokens.destroy(doomed);
      expect(await tokens.find(doomed)).toBeUndefined();
      expect(await rawEntries().countDocuments({ tenantId: tenantA, kind: 'RefreshToken', id: doomed })).toBe(0);
      expect(await tokens.find(kept)).toBeDefined();
    });
  });

  describe('secondary lookups', () => {
    it('finds a session by its uid, within its kind', async () => {
      const uid = uniqueId('uid');
      const session = tokenPayload('Session', { uid });
      await adapter(tenantA, 'Session').upsert(uniqueId('sess'), session, HOUR);
      await adapter(tenantA, 'Session').upsert(uniqueId('sess'), tokenPayload('Session', { uid: uniqueId('uid') }), HOUR);
      expect(await adapter(tenantA, 'Session').findByUid(uid)).toEqual(session);
      expect(await adapter(tenantA, 'Interaction').findByUid(uid)).toBeUndefined();
      expect(await adapter(tenantA, 'Session').findByUid(uniqueId('uid'))).toBeUndefined();
    });

    it('finds a device code by its user code, within its kind', async () => {
      const userCode = uniqueId('UC');
      const device = tokenPayload('DeviceCode', { userCode });
      await adapter(tenantA, 'DeviceCode').upsert(uniqueId('dc'), device, HOUR);
      expect(await adapter(tenantA, 'DeviceCode').findByUserCode(userCode)).toEqual(device);
      expect(await adapter(tenantA, 'Session').findByUserCode(userCode)).toBeUndefined();
      expect(await adapter(tenantA, 'DeviceCode').findByUserCode(uniqueId('UC'))).toBeUndefined();
    });
  });

  describe('revokeByGrantId', () => {
    it('removes every entry of the grant across kinds and leaves other grants', async () => {
      const revoked = uniqueId('grant');
      const other = uniqueId('grant');
      const kinds = ['AccessToken', 'RefreshToken', 'AuthorizationCode'];
      const ids = new Map<string, { revoked: string; other: string }>();
      for (const kind of kinds) {
        const entry = { revoked: uniqueId(kind), other: uniqueId(kind) };
        ids.set(kind, entry);
        await adapter(tenantA, kind).upsert(entry.revoked, tokenPayload(kind, { grantId: revoked }), HOUR);
        await adapter(tenantA, kind).upsert(entry.other, tokenPayload(kind, { grantId: other }), HOUR);
      }

      await adapter(tenantA, 'RefreshToken').revokeByGrantId(revoked);

      for (const kind of kinds) {
        const entry = ids.get(kind)!;
        expect(await adapter(tenantA, kind).find(entry.revoked)).toBeUndefined();
        expect(await adapter(tenantA, kind).find(entry.other)).toMatchObject({ grantId: other });
      }
      expect(await rawEntries().countDocuments({ tenantId: tenantA, grantId: revoked })).toBe(0);
    });

    it("leaves another tenant's entries that carry the same grant id", async () => {
      const grantId = uniqueId('grant');
      const id = uniqueId('at');
      await adapter(tenantA, 'AccessToken').upsert(id, tokenPayload('AccessToken', { grantId }), HOUR);
      await adapter(tenantB, 'AccessToken').upsert(id, tokenPayload('AccessToken', { grantId }), HOUR);
      await adapter(tenantA, 'AccessToken').revokeByGrantId(grantId);
      expect(await adapter(tenantA, 'AccessToken').find(id)).toBeUndefined();
      expect(await adapter(tenantB, 'AccessToken').find(id)).toMatchObject({ grantId });
    });
  });

  describe('tenant binding', () => {
    it("never shows tenant A's adapter tenant B's entry with the same kind and id", async () => {
      const id = uniqueId('at');
      const inA = tokenPayload('AccessToken');
      const inB = tokenPayload('AccessToken');
      await adapter(tenantA, 'AccessToken').upsert(id, inA, HOUR);
      await adapter(tenantB, 'AccessToken').upsert(id, inB, HOUR);

      expect(await rawEntries().countDocuments({ kind: 'AccessToken', id })).toBe(2);
      expect(await adapter(tenantA, 'AccessToken').find(id)).toEqual(inA);
      expect(await adapter(tenantB, 'AccessToken').find(id)).toEqual(inB);
      expect(await adapter(uniqueId('ten_c'), 'AccessToken').find(id)).toBeUndefined();
    });

    it("does not consume or destroy tenant B's entry through tenant A's adapter", async () => {
      const id = uniqueId('code');
      await adapter(tenantA, 'AuthorizationCode').upsert(id, tokenPayload('AuthorizationCode'), HOUR);
      await adapter(tenantB, 'AuthorizationCode').upsert(id, tokenPayload('AuthorizationCode'), HOUR);

      await adapter(tenantA, 'AuthorizationCode').consume(id);
      expect((await adapter(tenantA, 'AuthorizationCode').find(id))?.consumed).toBeDefined();
      expect((await adapter(tenantB, 'AuthorizationCode').find(id))?.consumed).toBeUndefined();

      await adapter(tenantA, 'AuthorizationCode').destroy(id);
      expect(await adapter(tenantA, 'AuthorizationCode').find(id)).toBeUndefined();
      expect(await adapter(tenantB, 'AuthorizationCode').find(id)).toBeDefined();
    });

    it("does not find tenant B's session by uid or device code by user code", async () => {
      const uid = uniqueId('uid');
      const userCode = uniqueId('UC');
      await adapter(tenantB, 'Session').upsert(uniqueId('sess'), tokenPayload('Session', { uid }), HOUR);
      await adapter(tenantB, 'DeviceCode').upsert(uniqueId('dc'), tokenPayload('DeviceCode', { userCode }), HOUR);
      expect(await adapter(tenantA, 'Session').findByUid(uid)).toBeUndefined();
      expect(await adapter(tenantA, 'DeviceCode').findByUserCode(userCode)).toBeUndefined();
    });
  });

  describe('expired entries sweeper', () => {
    it('removes expired entries of every tenant and keeps live ones', async () => {
      const expired: { tenantId: string; kind: string; id: string }[] = [];
      const live: { tenantId: string; kind: string; id: string }[] = [];
      for (const tenantId of [tenantA, tenantB]) {
        for (const kind of ['AccessToken', 'Session']) {
          const gone = { tenantId, kind, id: uniqueId(kind) };
          const kept = { tenantId, kind, id: uniqueId(kind) };
          await adapter(tenantId, kind).upsert(gone.id, tokenPayload(kind), HOUR);
          await adapter(tenantId, kind).upsert(kept.id, tokenPayload(kind), HOUR);
          await expireNow(tenantId, kind, gone.id);
          expired.push(gone);
          live.push(kept);
        }
      }
      // Other specs in this file leave expired entries too; the sweeper must take exactly the expired ones.
      const expiredBefore = await rawEntries().countDocuments({ expiresAt: { $lte: new Date() } });
      expect(expiredBefore).toBeGreaterThanOrEqual(expired.length);

      const removed = await sweepExpiredEntries(db.models.oidcEntries);

      expect(removed).toBe(expiredBefore);
      expect(await rawEntries().countDocuments({ expiresAt: { $lte: new Date() } })).toBe(0);
      for (const entry of expired) expect(await rawEntries().countDocuments(entry)).toBe(0);
      for (const entry of live) {
        expect(await rawEntries().countDocuments(entry)).toBe(1);
        expect(await adapter(entry.tenantId, entry.kind).find(entry.id)).toBeDefined();
      }
    });

    it('removes nothing when nothing has expired', async () => {
      await sweepExpiredEntries(db.models.oidcEntries);
      const id = uniqueId('at');
      await adapter(tenantA, 'AccessToken').upsert(id, tokenPayload('AccessToken'), HOUR);
      expect(await sweepExpiredEntries(db.models.oidcEntries)).toBe(0);
      expect(await adapter(tenantA, 'AccessToken').find(id)).toBeDefined();
    });
  });

  describe('session device', () => {
    let seen: { browser?: string; os?: string } | undefined;
    const sessions = (tenantId: string, kind = 'Session') => new MongoAdapter(db.models.oidcEntries, tenantId, kind, undefined, () => seen);
    const deviceOf = async (tenantId: string, kind: string, id: string) => (await rawEntries().findOne({ tenantId, kind, id }))?.device;

    it('stores the device of a signed-in session when it is first written, and keeps it when it is written again', async () => {
      const id = uniqueId('sess');
      const payload = { jti: id, kind: 'Session', accountId: uniqueId('usr'), loginTs: Math.floor(Date.now() / 1000) };
      seen = { browser: 'Firefox', os: 'Windows' };
      await sessions(tenantA).upsert(id, payload, HOUR);
      expect(await deviceOf(tenantA, 'Session', id)).toEqual({ browser: 'Firefox', os: 'Windows' });

      seen = { browser: 'Chrome', os: 'Android' };
      await sessions(tenantA).upsert(id, { ...payload, authorizations: { 'door-app': { sid: 'x' } } }, HOUR);
      expect(await deviceOf(tenantA, 'Session', id)).toEqual({ browser: 'Firefox', os: 'Windows' });
    });

    it('stores none for a session nobody is signed in to, or for any other kind', async () => {
      seen = { browser: 'Safari', os: 'iPhone' };
      const anonymous = uniqueId('sess');
      await sessions(tenantA).upsert(anonymous, { jti: anonymous, kind: 'Session' }, HOUR);
      expect(await deviceOf(tenantA, 'Session', anonymous)).toBeUndefined();
      const token = uniqueId('at');
      await sessions(tenantA, 'AccessToken').upsert(token, tokenPayload('AccessToken'), HOUR);
      expect(await deviceOf(tenantA, 'AccessToken', token)).toBeUndefined();
    });
  });

  describe("a provider request's batch", () => {
    const batched = (batch: EntryBatch, tenantId: string, kind: string) =>
      new MongoAdapter(db.models.oidcEntries, tenantId, kind, undefined, undefined, 0, () => batch);
    const stored = (tenantId: string, kind: string, id: string) => rawEntries().countDocuments({ tenantId, kind, id });

    it('holds the new entries until the request has answered, answering for them meanwhile, then stores them all', async () => {
      const batch = new EntryBatch();
      const code = tokenPayload('AuthorizationCode');
      const session = { ...tokenPayload('Session'), uid: uniqueId('uid') };
      await batched(batch, tenantA, 'AuthorizationCode').upsert(code.jti!, code, 60);
      await batched(batch, tenantA, 'Session').upsert(session.jti!, session, HOUR);
      expect(await stored(tenantA, 'AuthorizationCode', code.jti!)).toBe(0);
      expect(await batched(batch, tenantA, 'AuthorizationCode').find(code.jti!)).toEqual(code);
      expect(await batched(batch, tenantA, 'Session').findByUid(session.uid)).toEqual(session);
      // Another tenant's adapter in the same request finds nothing of them.
      expect(await batched(batch, tenantB, 'Session').findByUid(session.uid)).toBeUndefined();

      await batch.write(oidcEntryStore(db.models.oidcEntries));
      expect(await adapter(tenantA, 'AuthorizationCode').find(code.jti!)).toEqual(code);
      expect(await adapter(tenantA, 'Session').findByUid(session.uid)).toEqual(session);
    });

    it('stores nothing of what the request destroyed or revoked before it answered', async () => {
      const batch = new EntryBatch();
      const grantId = uniqueId('grant');
      const interaction = tokenPayload('Interaction');
      const token = tokenPayload('AccessToken', { grantId });
      const other = tokenPayload('AccessToken', { grantId: uniqueId('grant') });
      await batched(batch, tenantA, 'Interaction').upsert(interaction.jti!, interaction, HOUR);
      await batched(batch, tenantA, 'AccessToken').upsert(token.jti!, token, HOUR);
      await batched(batch, tenantA, 'AccessToken').upsert(other.jti!, other, HOUR);
      await batched(batch, tenantA, 'Interaction').destroy(interaction.jti!);
      await batched(batch, tenantA, 'AccessToken').revokeByGrantId(grantId);
      await batch.write(oidcEntryStore(db.models.oidcEntries));
      expect(await stored(tenantA, 'Interaction', interaction.jti!)).toBe(0);
      expect(await stored(tenantA, 'AccessToken', token.jti!)).toBe(0);
      expect(await stored(tenantA, 'AccessToken', other.jti!)).toBe(1);
    });

    it('removes the stored entries it destroyed in one delete when it is written, reading them as gone meanwhile', async () => {
      const interaction = tokenPayload('Interaction');
      const session = { ...tokenPayload('Session'), uid: uniqueId('uid') };
      const kept = tokenPayload('Session');
      await adapter(tenantA, 'Interaction').upsert(interaction.jti!, interaction, HOUR);
      await adapter(tenantA, 'Session').upsert(session.jti!, session, HOUR);
      const batch = new EntryBatch();
      await batched(batch, tenantA, 'Interaction').destroy(interaction.jti!);
      await batched(batch, tenantA, 'Session').destroy(session.jti!);
      // Saved again after its destroy in the same request: the last word is the save.
      await batched(batch, tenantA, 'Session').destroy(kept.jti!);
      await batched(batch, tenantA, 'Session').upsert(kept.jti!, kept, HOUR);

      expect(await batched(batch, tenantA, 'Interaction').find(interaction.jti!)).toBeUndefined();
      expect(await batched(batch, tenantA, 'Session').findByUid(session.uid)).toBeUndefined();
      // Other requests still see them until this one has answered.
      expect(await adapter(tenantA, 'Session').findByUid(session.uid)).toEqual(session);

      const { commands } = await countCommands(db.connection, () => batch.write(oidcEntryStore(db.models.oidcEntries)));
      expect(commands.byName).toEqual({ 'delete oidc_entries': 1, 'insert oidc_entries': 1 });
      expect(await stored(tenantA, 'Interaction', interaction.jti!)).toBe(0);
      expect(await stored(tenantA, 'Session', session.jti!)).toBe(0);
      expect(await adapter(tenantA, 'Session').find(kept.jti!)).toEqual(kept);
    });

    it("removes nothing of another tenant's when a request destroys an entry of the same kind and id", async () => {
      const id = uniqueId('sess');
      await adapter(tenantA, 'Session').upsert(id, { ...tokenPayload('Session'), jti: id }, HOUR);
      await adapter(tenantB, 'Session').upsert(id, { ...tokenPayload('Session'), jti: id }, HOUR);
      const batch = new EntryBatch();
      await batched(batch, tenantA, 'Session').destroy(id);
      expect(await batched(batch, tenantB, 'Session').find(id)).toEqual(expect.objectContaining({ jti: id }));
      await batch.write(oidcEntryStore(db.models.oidcEntries));
      expect(await stored(tenantA, 'Session', id)).toBe(0);
      expect(await stored(tenantB, 'Session', id)).toBe(1);
    });

    it('stores what it consumed with its new entries, in one command, reading it as consumed meanwhile', async () => {
      const stored = tokenPayload('RefreshToken');
      await adapter(tenantA, 'RefreshToken').upsert(stored.jti!, stored, HOUR);
      const batch = new EntryBatch();
      const code = tokenPayload('AuthorizationCode');
      // Saved and consumed in the same request: stored first, then marked.
      await batched(batch, tenantA, 'AuthorizationCode').upsert(code.jti!, code, 60);
      await batched(batch, tenantA, 'AuthorizationCode').consume(code.jti!);
      await batched(batch, tenantA, 'RefreshToken').consume(stored.jti!);
      const rotated = tokenPayload('RefreshToken');
      await batched(batch, tenantA, 'RefreshToken').upsert(rotated.jti!, rotated, HOUR);

      expect(typeof (await batched(batch, tenantA, 'AuthorizationCode').find(code.jti!))?.consumed).toBe('number');
      expect(typeof (await batched(batch, tenantA, 'RefreshToken').find(stored.jti!))?.consumed).toBe('number');
      // Other requests see the consumption once this one has answered, and nothing of it in another tenant.
      expect((await adapter(tenantA, 'RefreshToken').find(stored.jti!))?.consumed).toBeUndefined();
      expect(await batched(batch, tenantB, 'RefreshToken').find(stored.jti!)).toBeUndefined();

      const { commands } = await countCommands(db.connection, () => batch.write(oidcEntryStore(db.models.oidcEntries)));
      expect(commands.byName).toEqual({ 'update oidc_entries': 1 });
      expect(typeof (await adapter(tenantA, 'AuthorizationCode').find(code.jti!))?.consumed).toBe('number');
      expect(typeof (await adapter(tenantA, 'RefreshToken').find(stored.jti!))?.consumed).toBe('number');
      expect(await adapter(tenantA, 'RefreshToken').find(rotated.jti!)).toEqual(rotated);
    });

    it('keeps the time of a consumption stored before, when a request consumes the entry again', async () => {
      const token = tokenPayload('RefreshToken');
      await adapter(tenantA, 'RefreshToken').upsert(token.jti!, token, HOUR);
      await adapter(tenantA, 'RefreshToken').consume(token.jti!);
      const first = await rawEntries().findOne({ tenantId: tenantA, kind: 'RefreshToken', id: token.jti! });
      await sleep(20);
      const batch = new EntryBatch();
      await batched(batch, tenantA, 'RefreshToken').consume(token.jti!);
      expect((await batched(batch, tenantA, 'RefreshToken').find(token.jti!))?.consumed).toBe(Math.floor(first!.consumedAt!.getTime() / 1000));
      await batch.write(oidcEntryStore(db.models.oidcEntries));
      expect((await rawEntries().findOne({ _id: first!._id }))!.consumedAt).toEqual(first!.consumedAt);
    });

    it('keeps the last save of an entry saved twice in the request, and replaces one stored already', async () => {
      const id = uniqueId('sess');
      await adapter(tenantA, 'Session').upsert(id, { ...tokenPayload('Session'), jti: id }, HOUR);
      const batch = new EntryBatch();
      // A process that has not seen the stored entry takes it for new.
      const sessions = batched(batch, tenantA, 'Session');
      await sessions.upsert(id, { ...tokenPayload('Session'), jti: id, accountId: 'first' }, HOUR);
      const last = { ...tokenPayload('Session'), jti: id, accountId: 'last' };
      await sessions.upsert(id, last, HOUR);
      const code = tokenPayload('AuthorizationCode');
      await batched(batch, tenantA, 'AuthorizationCode').upsert(code.jti!, code, 60);
      await batch.write(oidcEntryStore(db.models.oidcEntries));
      expect(await adapter(tenantA, 'Session').find(id)).toEqual(last);
      expect(await stored(tenantA, 'Session', id)).toBe(1);
      expect(await adapter(tenantA, 'AuthorizationCode').find(code.jti!)).toEqual(code);
    });

    /** A token and its grant stored by this process's adapters, which each request then uses with its own batch. */
    async function tokenWithGrant(tenantId: string) {
      let request: EntryBatch | undefined;
      const inRequest = (kind: string) => new MongoAdapter(db.models.oidcEntries, tenantId, kind, undefined, undefined, 0, () => request);
      const tokens = inRequest('AccessToken');
      const grants = inRequest('Grant');
      const grant = { ...tokenPayload('Grant'), jti: uniqueId('grant') };
      const token = tokenPayload('AccessToken', { grantId: grant.jti });
      await grants.upsert(grant.jti!, grant, HOUR);
      await tokens.upsert(token.jti!, token, HOUR);
      const newRequest = () => (request = new EntryBatch());
      return { tokens, grants, token, grant, newRequest };
    }

    it('reads a token it has seen together with its grant, for the grant lookup of the same request only', async () => {
      const { tokens, grants, token, grant, newRequest } = await tokenWithGrant(tenantA);
      newRequest();
      expect(await tokens.find(token.jti!)).toEqual(token);
      // Gone from the database after that one read: the request still has the grant it read with the token…
      await rawEntries().deleteOne({ tenantId: tenantA, kind: 'Grant', id: grant.jti });
      expect(await grants.find(grant.jti!)).toEqual(grant);
      // …once, and no later request has it.
      expect(await grants.find(grant.jti!)).toBeUndefined();
      newRequest();
      expect(await tokens.find(token.jti!)).toEqual(token);
      expect(await grants.find(grant.jti!)).toBeUndefined();
    });

    it('answers no grant the request has destroyed or saved since reading it with its token', async () => {
      const { tokens, grants, token, grant, newRequest } = await tokenWithGrant(tenantA);
      newRequest();
      await tokens.find(token.jti!);
      await grants.destroy(grant.jti!);
      expect(await grants.find(grant.jti!)).toBeUndefined();

      const again = await tokenWithGrant(tenantA);
      again.newRequest();
      await again.tokens.find(again.token.jti!);
      const changed = { ...again.grant, accountId: 'changed' };
      await again.grants.upsert(again.grant.jti!, changed, HOUR);
      expect(await again.grants.find(again.grant.jti!)).toEqual(changed);
    });

    it("reads nothing of another tenant's grant along with a token", async () => {
      const { tokens, token, grant, newRequest } = await tokenWithGrant(tenantA);
      const request = newRequest();
      await tokens.find(token.jti!);
      const otherTenant = new MongoAdapter(db.models.oidcEntries, tenantB, 'Grant', undefined, undefined, 0, () => request);
      expect(await otherTenant.find(grant.jti!)).toBeUndefined();
    });
  });

  describe('expiry index', () => {
    it('reports TTL support truthfully for the server it is connected to', async () => {
      const buildInfo = (await db.connection.db!.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string };
      const isFerret = buildInfo.ferretdbVersion !== undefined;
      expect(db.capabilities.server).toBe(isFerret ? 'ferretdb' : 'mongodb');
      // FerretDB v1 has no TTL indexes; MongoDB does.
      expect(db.capabilities.ttlIndexes).toBe(!isFerret);
    });

    it('indexes expiresAt on oidc_entries, as a TTL index exactly where the server supports one', async () => {
      const indexes = (await rawEntries().listIndexes().toArray()) as { key: Record<string, unknown>; expireAfterSeconds?: number }[];
      const onExpiresAt = indexes.filter((index) => Object.keys(index.key).length === 1 && index.key.expiresAt === 1);
      expect(onExpiresAt).toHaveLength(1);
      expect(onExpiresAt[0]!.expireAfterSeconds).toBe(db.capabilities.ttlIndexes ? 0 : undefined);
    });
  });
});
