// node dist/bench/local-db.js [--binary=path/to/ferretdb] [--sizes=1000,10000] [--samples=20] [--incs=400]
// The local database's cost per operation as its collection grows: a FerretDB server of its own (the build
// scripts/ferretdb-install.mjs makes, or --binary), one collection of 1.5 KB documents with the app's shapes
// (tenantId + emailHash unique index), and per size the database process's CPU and the round trip of
// findOne/updateOne/deleteOne by _id, findOne by the indexed fields and a page of 50 of a tenant's documents in
// _id order after a cursor (as the admin lists read), then how many of 400 (--incs) concurrent
// $inc on one document are lost, and 16 writers' inserts and updates by _id across two collections at once (--writers):
// their rate, round trips and the database's CPU per write. Prints one JSON line per size; nothing is asserted
// (the specs in test/db do that).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, type Collection } from 'mongodb';
import { ferretdbBinary } from '../src/db/launcher/binaries.js';
import { freePort, startServerProcess } from '../src/db/launcher/server-process.js';
import { ferretdbArgs } from '../src/db/local-database.js';
import { projectRoot } from '../src/project-root.js';
import { processCpuSeconds } from './process-cpu.js';
import { median, percentile } from './stats.js';

interface Doc {
  _id: string;
  tenantId: string;
  emailHash: string;
  n: number;
  payload: string;
}

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (option('sizes') ?? '1000,10000').split(',').map(Number);
const samples = Number(option('samples') ?? 20);
const incCount = Number(option('incs') ?? 400);
const writerCount = Number(option('writers') ?? 16);
const PAYLOAD = 'x'.repeat(1400);
const round = (v: number) => Math.round(v * 100) / 100;

async function perOp(pid: number | undefined, op: (i: number) => Promise<unknown>): Promise<{ cpuMs: number; medianMs: number }> {
  const times: number[] = [];
  const cpu0 = processCpuSeconds(pid);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await op(i);
    times.push(performance.now() - t0);
  }
  return { cpuMs: round(((processCpuSeconds(pid) - cpu0) * 1000) / samples), medianMs: round(median(times)) };
}

/**
 * `writerCount` writers at once, each inserting into one collection and updating a document by `_id` in another,
 * as the token flows write (a new entry, a user's mark): SQLite has one write lock, which they all contend for.
 */
async function concurrentWrites(pid: number | undefined, docs: Collection<Doc>, size: number, rounds = 50) {
  const log = docs.db.collection<{ _id: string; at: Date }>(`writes-${size}`);
  const times: number[] = [];
  const cpu0 = processCpuSeconds(pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writerCount }, async (_, writer) => {
      for (let i = 0; i < rounds; i++) {
        let t0 = performance.now();
        await log.insertOne({ _id: `w${writer}-${i}`, at: new Date() });
        times.push(performance.now() - t0);
        t0 = performance.now();
        await docs.updateOne({ _id: `doc-${(writer * 7919 + i) % size}` }, { $set: { n: i } });
        times.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    writers: writerCount,
    writes: times.length,
    perSecond: Math.round(times.length / seconds),
    medianMs: round(median(times)),
    p99Ms: round(percentile(times, 99)),
    cpuMsPerWrite: round(((processCpuSeconds(pid) - cpu0) * 1000) / times.length),
  };
}

async function fill(docs: Collection<Doc>, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 1000) {
    const batch: Doc[] = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      batch.push({ _id: `doc-${i}`, tenantId: `t${i % 10}`, emailHash: `h${i}`, n: 0, payload: PAYLOAD });
    }
    await docs.insertMany(batch, { ordered: false });
  }
}

async function main(): Promise<void> {
  const binary = option('binary') ?? (await ferretdbBinary(join(projectRoot(), '.tools'), (m) => console.error(m)));
  const dir = mkdtempSync(join(tmpdir(), 'local-db-bench-'));
  const port = await freePort();
  const server = await startServerProcess(binary, ferretdbArgs(dir, port), port);
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, { maxPoolSize: 100 });
  try {
    await client.connect();
    const version = ((await client.db('admin').command({ buildInfo: 1 })) as { ferretdbVersion?: string }).ferretdbVersion;
    const docs = client.db('bench').collection<Doc>('docs');
    await docs.createIndex({ tenantId: 1, emailHash: 1 }, { unique: true, name: 'tenantId_emailHash_unique' });
    // The admin lists' index: a page of a tenant's documents in _id order, after a cursor.
    await docs.createIndex({ tenantId: 1, _id: 1 }, { name: 'tenantId_1__id_1' });
    let filled = 0;
    const pid = server.child.pid;
    for (const size of sizes) {
      await fill(docs, filled, size);
      filled = size;
      const pick = (i: number) => (i * 7919) % size;
      const findById = await perOp(pid, (i) => docs.findOne({ _id: `doc-${pick(i)}` }));
      const updateById = await perOp(pid, (i) => docs.updateOne({ _id: `doc-${pick(i)}` }, { $set: { n: i } }));
      const findByIndexed = await perOp(pid, (i) => docs.findOne({ tenantId: `t${pick(i) % 10}`, emailHash: `h${pick(i)}` }));
      const pageOfTenant = await perOp(pid, (i) =>
        docs.find({ tenantId: `t${i % 10}`, _id: { $gt: `doc-${pick(i)}` } }, { sort: { _id: 1 }, limit: 50 }).toArray(),
      );
      await docs.insertMany(Array.from({ length: samples }, (_, i) => ({ _id: `gone-${i}`, tenantId: 'gone', emailHash: `g${i}`, n: 0, payload: PAYLOAD })));
      const deleteById = await perOp(pid, (i) => docs.deleteOne({ _id: `gone-${i}` }));
      const writes = await concurrentWrites(pid, docs, size);
      await docs.updateOne({ _id: 'doc-0' }, { $set: { n: 0 } });
      const incStarted = performance.now();
      const incs = await Promise.allSettled(Array.from({ length: incCount }, () => docs.updateOne({ _id: 'doc-0' }, { $inc: { n: 1 } })));
      const n = (await docs.findOne({ _id: 'doc-0' }))?.n ?? 0;
      const firstError = incs.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error | undefined;
      console.log(
        JSON.stringify({
          ferretdb: version,
          documents: size,
          findById,
          updateById,
          findByIndexed,
          pageOfTenant,
          deleteById,
          concurrentWrites: writes,
          concurrentInc: {
            sent: incCount,
            failed: incs.filter((r) => r.status === 'rejected').length,
            lost: incCount - n,
            ms: Math.round(performance.now() - incStarted),
            ...(firstError ? { firstError: firstError.message } : {}),
          },
        }),
      );
    }
  } finally {
    await client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
