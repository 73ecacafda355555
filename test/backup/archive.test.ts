import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { MasterKey } from '../../src/crypto/master-key.js';
import { ArchiveError, CHUNK_HEAD, MAGIC } from '../../src/backup/archive-format.js';
import { ArchiveReader, type ArchiveEvent } from '../../src/backup/archive-reader.js';
import { writeArchive, type ArchiveItem } from '../../src/backup/archive-writer.js';

/** Enough documents of random (incompressible) content to span many chunks. */
async function* items(count: number): AsyncGenerator<ArchiveItem> {
  yield { type: 'collection', name: 'users' };
  for (let i = 0; i < count; i++) {
    yield { type: 'document', bson: Buffer.from(BSON.serialize({ _id: `usr_${i}`, email: `person-${i}@example.test`, noise: randomBytes(200).toString('base64') })) };
  }
  yield { type: 'collection', name: 'doors' };
}

async function readAll(file: string, keys: Parameters<typeof ArchiveReader.open>[1], expectedSha256?: string): Promise<ArchiveEvent[]> {
  const reader = await ArchiveReader.open(file, keys, { expectedSha256 });
  const events: ArchiveEvent[] = [];
  for await (const event of reader.events()) events.push(event);
  return events;
}

/** Chunk boundaries of an archive file: [start, end) of each sealed chunk. */
async function chunks(file: string): Promise<{ bytes: Buffer; spans: [number, number][] }> {
  const bytes = await readFile(file);
  let at = MAGIC.length + 4 + bytes.readUInt32BE(MAGIC.length);
  const spans: [number, number][] = [];
  while (at < bytes.length) {
    const end = at + CHUNK_HEAD + bytes.readUInt32BE(at);
    spans.push([at, end]);
    at = end;
  }
  return { bytes, spans };
}

describe('encrypted archives', () => {
  let dir: string;
  let file: string;
  let sha256: string;
  const masterKey = new MasterKey(randomBytes(32));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-archive-'));
    file = join(dir, 'a.idparch');
    ({ sha256 } = await writeArchive(items(2000), { file, kind: 'backup', scope: { type: 'all' }, secret: { type: 'master', masterKey } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives back every document, in order, under the collection it was written in', async () => {
    const events = await readAll(file, { masterKey }, sha256);
    const docs = events.filter((e) => e.type === 'document');
    expect(docs).toHaveLength(2000);
    expect(docs.every((e) => e.collection === 'users')).toBe(true);
    expect(BSON.deserialize(docs[1999]!.bson)._id).toBe('usr_1999');
    expect(events.at(-1)).toEqual({ type: 'collection', name: 'doors' });
  });

  it('holds no document in clear', async () => {
    const bytes = await readFile(file);
    expect(bytes.includes('person-1@example.test')).toBe(false);
    expect(bytes.includes('usr_1')).toBe(false);
  });

  it('is sealed in many chunks, the last one marked final', async () => {
    const { bytes, spans } = await chunks(file);
    expect(spans.length).toBeGreaterThan(3);
    expect(spans.map(([start]) => bytes.readUInt8(start + 4))).toEqual([...spans.slice(1).map(() => 0), 1]);
  });

  it('refuses another master key, naming the one it needs', async () => {
    const other = new MasterKey(randomBytes(32));
    await expect(readAll(file, { masterKey: other })).rejects.toThrow(masterKey.id);
  });

  it('detects a file cut short, even at a chunk boundary', async () => {
    const { bytes, spans } = await chunks(file);
    const cut = join(dir, 'cut.idparch');
    await writeFile(cut, bytes.subarray(0, spans.at(-2)![1]));
    await expect(readAll(cut, { masterKey })).rejects.toThrow(/truncated/);
    await writeFile(cut, bytes.subarray(0, spans.at(-1)![0] + 100));
    await expect(readAll(cut, { masterKey })).rejects.toThrow(ArchiveError);
  });

  it('detects chunks swapped or dropped', async () => {
    const { bytes, spans } = await chunks(file);
    const [a, b] = [spans[1]!, spans[2]!];
    const swapped = Buffer.concat([bytes.subarray(0, a[0]), bytes.subarray(b[0], b[1]), bytes.subarray(a[0], a[1]), bytes.subarray(b[1])]);
    await writeFile(join(dir, 'swapped.idparch'), swapped);
    await expect(readAll(join(dir, 'swapped.idparch'), { masterKey })).rejects.toThrow(/Chunk 1 .* does not open/);
    const dropped = Buffer.concat([bytes.subarray(0, a[0]), bytes.subarray(a[1])]);
    await writeFile(join(dir, 'dropped.idparch'), dropped);
    await expect(readAll(join(dir, 'dropped.idparch'), { masterKey })).rejects.toThrow(/does not open/);
  });

  it('detects a middle chunk relabelled as the final one', async () => {
    const { bytes, spans } = await chunks(file);
    const relabelled = Buffer.from(bytes.subarray(0, spans[1]![1]));
    relabelled.writeUInt8(1, spans[1]![0] + 4);
    await writeFile(join(dir, 'relabelled.idparch'), relabelled);
    await expect(readAll(join(dir, 'relabelled.idparch'), { masterKey })).rejects.toThrow(/does not open/);
  });

  it('detects a flipped bit, and a file that differs from its checksum', async () => {
    const { bytes, spans } = await chunks(file);
    const flipped = Buffer.from(bytes);
    flipped[spans[0]![0] + CHUNK_HEAD + 10]! ^= 1;
    await writeFile(join(dir, 'flipped.idparch'), flipped);
    await expect(readAll(join(dir, 'flipped.idparch'), { masterKey })).rejects.toThrow(/Chunk 0 .* does not open/);
    await expect(readAll(file, { masterKey }, '0'.repeat(64))).rejects.toThrow(/SHA-256/);
  });

  it('opens an export only with its own random key', async () => {
    const exportKey = randomBytes(32);
    const exported = join(dir, 'export.idparch');
    await writeArchive(items(3), { file: exported, kind: 'export', scope: { type: 'all' }, secret: { type: 'export', key: exportKey } });
    await expect(readAll(exported, { masterKey })).rejects.toThrow(/export key/);
    await expect(readAll(exported, { exportKey: randomBytes(32) })).rejects.toThrow(/does not open/);
    expect((await readAll(exported, { exportKey })).filter((e) => e.type === 'document')).toHaveLength(3);
  });
});
