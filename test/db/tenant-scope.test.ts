import { randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Models } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { UnscopedQueryError } from '../../src/errors/http-errors.js';
import { oidcEntryId } from '../../src/oidc/oidc-entry.model.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { oidcEntryStore, type OidcEntryDoc } from '../../src/oidc/oidc-entry.model.js';

type Doc = Record<string, unknown>;
/** The tenant collections this specification covers; each must hold its tenant's rows only. */
type TenantModelName = Extract<keyof Models, 'users' | 'roles' | 'doors' | 'doorPermissions' | 'clients' | 'signingKeys' | 'oidcEntries'>;

interface ModelSpec {
  /** A valid document of this model for one tenant. */
  make(tenantId: string): Doc;
  /** A field every document has and an update may change. */
  change: Doc;
}

const marker = () => randomBytes(6).toString('hex');

const SPECS: Record<TenantModelName, ModelSpec> = {
  users: {
    make: (tenantId) => ({ _id: newId('usr'), tenantId, roles: ['employee'], status: 'active', emailVerified: false, locale: 'en' }),
    change: { locale: 'da' },
  },
  roles: {
    make: (tenantId) => ({ _id: newId('rol'), tenantId, name: `role-${marker()}`, description: 'before' }),
    change: { description: 'after' },
  },
  doors: {
    make: (tenantId) => ({ _id: newId('door'), tenantId, key: `door-${marker()}`, name: 'Front door' }),
    change: { name: 'Back door' },
  },
  doorPermissions: {
    make: (tenantId) => ({
      _id: newId('dp'),
      tenantId,
      doorId: newId('door'),
      holderType: 'user',
      holderId: newId('usr'),
      grantedBy: 'spec',
      grantedAt: new Date(),
    }),
    change: { grantedBy: 'someone else' },
  },
  clients: {
    make: (tenantId) => ({ _id: newId('cli'), tenantId, clientId: `app-${marker()}`, metadata: { client_name: 'Door app' } }),
    change: { metadata: { client_name: 'Renamed app' } },
  },
  signingKeys: {
    make: (tenantId) => ({
      _id: newId('key'),
      tenantId,
      kid: `kid-${marker()}`,
      alg: 'ES256',
      status: 'next',
      publicJwk: { kty: 'EC', crv: 'P-256', x: marker(), y: marker() },
      sealedPrivateJwk: `v1.${marker()}`,
      createdAt: new Date(),
    }),
    change: { status: 'current' },
  },
  oidcEntries: {
    make: (tenantId) => {
      const id = `at-${marker()}`;
      return { _id: oidcEntryId(tenantId, 'AccessToken', id), tenantId, kind: 'AccessToken', id, payload: '{"kind":"AccessToken"}' };
    },
    change: { payload: '{"kind":"AccessToken","changed":true}' },
  },
};

const MODEL_NAMES = Object.keys(SPECS) as TenantModelName[];

/** Each call as code would write it, without a tenantId in its filter. `key` names one document by another field. */
const UNSCOPED_CALLS: [string, (model: Model<Doc>, key: Doc, change: Doc, doc: Doc) => PromiseLike<unknown>][] = [
  ['find', (m) => m.find({})],
  ['find by another field', (m, key) => m.find(key)],
  ['findOne', (m, key) => m.findOne(key)],
  ['exists', (m, key) => m.exists(key)],
  ['countDocuments', (m) => m.countDocuments({})],
  ['distinct', (m) => m.distinct('_id')],
  ['updateOne', (m, key, change) => m.updateOne(key, { $set: change })],
  ['updateMany', (m, _key, change) => m.updateMany({}, { $set: change })],
  ['findOneAndUpdate', (m, key, change) => m.findOneAndUpdate(key, { $set: change })],
  ['replaceOne', (m, key, change, doc) => m.replaceOne(key, { ...doc, ...change })],
  ['findOneAndReplace', (m, key, change, doc) => m.findOneAndReplace(key, { ...doc, ...change })],
  ['deleteOne', (m, key) => m.deleteOne(key)],
  ['deleteMany', (m) => m.deleteMany({})],
  ['findOneAndDelete', (m, key) => m.findOneAndDelete(key)],
  ['aggregate with no stage', (m) => m.aggregate([])],
  ['aggregate matching another field', (m, key) => m.aggregate([{ $match: key }])],
  ['aggregate matching tenantId only after another stage', (m, _key, _change, doc) => m.aggregate([{ $sort: { _id: 1 } }, { $match: { tenantId: doc.tenantId } }])],
  ['bulkWrite deleting', (m) => m.bulkWrite([{ deleteMany: { filter: {} } }])],
  ['bulkWrite updating', (m, key, change) => m.bulkWrite([{ updateOne: { filter: key, update: { $set: change } } }])],
];

describe('tenant scope of every tenant collection', () => {
  let db: OpenTestDatabase;

  const model = (name: TenantModelName) => db.models[name] as unknown as Model<Doc>;
  /** A filter naming one document by a field other than tenantId. */
  const identity = (name: TenantModelName, doc: Doc): Doc => (name === 'oidcEntries' ? { id: doc.id } : { _id: doc._id });
  /** Reads through the driver, past the guard, to see what is really stored. */
  const stored = (name: TenantModelName, doc: Doc) => db.models[name].collection.findOne({ tenantId: doc.tenantId, ...identity(name, doc) } as never);
  const tenantId = () => newId('ten');

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  describe.each(MODEL_NAMES)('%s', (name) => {
    const spec = SPECS[name];

    it.each(UNSCOPED_CALLS)('refuses %s without a tenantId, and touches nothing', async (_call, run) => {
      const doc = spec.make(tenantId());
      await model(name).insertMany([doc]);
      const before = await stored(name, doc);
      expect(before).not.toBeNull();

      await expect(Promise.resolve(run(model(name), identity(name, doc), spec.change, doc))).rejects.toThrow(UnscopedQueryError);

      expect(await stored(name, doc)).toEqual(before);
    });

    it('refuses insertMany of a document without a tenantId, inserting none of the batch', async () => {
      const scoped = spec.make(tenantId());
      const { tenantId: _dropped, ...unscoped } = spec.make(tenantId());
      await expect(model(name).insertMany([scoped, unscoped])).rejects.toThrow(UnscopedQueryError);
      expect(await stored(name, scoped)).toBeNull();
      expect(await db.models[name].collection.countDocuments(identity(name, unscoped) as never)).toBe(0);
    });

    it('refuses a bulkWrite insert without a tenantId', async () => {
      const { tenantId: _dropped, ...unscoped } = spec.make(tenantId());
      await expect(model(name).bulkWrite([{ insertOne: { document: unscoped } }])).rejects.toThrow(UnscopedQueryError);
      expect(await db.models[name].collection.countDocuments(identity(name, unscoped) as never)).toBe(0);
    });

    it('serves the same calls when they name the tenant', async () => {
      const owner = tenantId();
      const doc = spec.make(owner);
      const other = spec.make(owner);
      const m = model(name);
      await m.insertMany([doc, other]);
      const key = identity(name, doc);

      expect(await m.find({ tenantId: owner }).lean()).toHaveLength(2);
      expect(await m.findOne({ tenantId: owner, ...key }).lean()).toMatchObject(key);
      expect(await m.exists({ tenantId: owner, ...key })).not.toBeNull();
      expect(await m.countDocuments({ tenantId: owner })).toBe(2);
      expect(await m.aggregate([{ $match: { tenantId: owner } }, { $count: 'n' }])).toEqual([{ n: 2 }]);

      expect((await m.updateOne({ tenantId: owner, ...key }, { $set: spec.change })).modifiedCount).toBe(1);
      expect(await m.findOne({ tenantId: owner, ...key }).lean()).toMatchObject(spec.change);

      const bulk = await m.bulkWrite([{ updateOne: { filter: { tenantId: owner, ...identity(name, other) }, update: { $set: spec.change } } }]);
      expect(bulk.modifiedCount).toBe(1);

      expect((await m.deleteMany({ tenantId: owner })).deletedCount).toBe(2);
      expect(await m.countDocuments({ tenantId: owner })).toBe(0);
    });

    it("keeps a write under tenant A invisible to reads and writes scoped to tenant B", async () => {
      const a = tenantId();
      const b = tenantId();
      const doc = spec.make(a);
      const m = model(name);
      await m.insertMany([doc]);
      const key = identity(name, doc);
      const before = await stored(name, doc);

      expect(await m.find({ tenantId: b }).lean()).toEqual([]);
      expect(await m.findOne({ tenantId: b, ...key }).lean()).toBeNull();
      expect(await m.countDocuments({ tenantId: b })).toBe(0);
      expect(await m.aggregate([{ $match: { tenantId: b } }])).toEqual([]);
      expect((await m.updateOne({ tenantId: b, ...key }, { $set: spec.change })).matchedCount).toBe(0);
      expect((await m.deleteMany({ tenantId: b, ...key })).deletedCount).toBe(0);

      expect(await stored(name, doc)).toEqual(before);
      expect(await m.findOne({ tenantId: a, ...key }).lean()).toMatchObject(key);
    });
  });
  describe('a collection keyed by tenant-scoped ids', () => {
    const entries = () => db.models.oidcEntries as unknown as Model<Doc>;

    it('serves a filter on the scoped _id alone, which names its tenant', async () => {
      const doc = SPECS.oidcEntries.make(tenantId());
      await entries().insertMany([doc]);
      expect(await entries().findOne({ _id: doc._id }).lean()).toMatchObject({ id: doc.id });
      expect((await entries().updateOne({ _id: doc._id }, { $set: SPECS.oidcEntries.change })).modifiedCount).toBe(1);
      expect((await entries().deleteOne({ _id: doc._id })).deletedCount).toBe(1);
    });

    it('refuses an _id that names no tenant, and a model without scoped ids refuses any _id alone', async () => {
      const doc = SPECS.oidcEntries.make(tenantId());
      await entries().insertMany([doc]);
      await expect(entries().findOne({ _id: doc.id }).lean()).rejects.toThrow(UnscopedQueryError);
      await expect(entries().deleteOne({ _id: { $ne: null } })).rejects.toThrow(UnscopedQueryError);
      await expect(model('users').findOne({ _id: `${doc.tenantId}:x` }).lean()).rejects.toThrow(UnscopedQueryError);
      expect(await stored('oidcEntries', doc)).not.toBeNull();
    });

    it('holds oidc-provider\'s storage, which goes through the driver, to the same rule', async () => {
      const store = oidcEntryStore(db.models.oidcEntries);
      const doc = SPECS.oidcEntries.make(tenantId()) as unknown as OidcEntryDoc;
      await store.insertMany([doc]);
      expect(await store.findOne({ _id: doc._id })).toMatchObject({ id: doc.id });
      // A batch of keys is read within a named tenant: another tenant's name finds none of them.
      expect(await store.find({ tenantId: doc.tenantId, _id: { $in: [doc._id] } })).toMatchObject([{ id: doc.id }]);
      expect(await store.find({ tenantId: tenantId(), _id: { $in: [doc._id] } })).toEqual([]);
      expect(() => store.find({ _id: { $in: [doc._id] } })).toThrow(UnscopedQueryError);
      expect((await store.updateOne({ _id: doc._id }, { $set: { payload: '{}' } })).modifiedCount).toBe(1);
      expect(() => store.findOne({ _id: doc.id })).toThrow(UnscopedQueryError);
      expect(() => store.updateOne({ kind: doc.kind }, { $set: { payload: '{}' } })).toThrow(UnscopedQueryError);
      // Updates sent together: every statement is checked before any is sent.
      expect((await store.updateEach([{ filter: { _id: doc._id }, update: { $set: { payload: '{"a":1}' } } }])).modifiedCount).toBe(1);
      expect(() => store.updateEach([{ filter: { _id: doc._id }, update: { $set: { payload: '{"b":1}' } } }, { filter: { kind: doc.kind }, update: { $set: { payload: '{}' } } }])).toThrow(UnscopedQueryError);
      expect(await store.findOne({ _id: doc._id })).toMatchObject({ payload: '{"a":1}' });
      expect(() => store.deleteOne({ _id: { $ne: null } } as never)).toThrow(UnscopedQueryError);
      expect(() => store.deleteMany({ grantId: 'any' })).toThrow(UnscopedQueryError);
      const { tenantId: _dropped, ...unscoped } = SPECS.oidcEntries.make(tenantId()) as unknown as OidcEntryDoc;
      expect(() => store.insertMany([unscoped as OidcEntryDoc])).toThrow(UnscopedQueryError);
      expect((await store.deleteMany({ tenantId: doc.tenantId })).deletedCount).toBe(1);
    });
  });
});
