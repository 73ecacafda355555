import { connectDatabase } from '../../../src/db/database.js';
import { createMigrationRunner } from '../../../src/migrations/migrations.js';

/**
 * One process running this release's migrations, as `migrate up` or a starting server does, for specs that
 * kill it. With STOP_AT=<label>:<n> it says `midway` after n documents of that migration and then stalls
 * (still holding and renewing its lease) until it is killed.
 */
const [stopLabel, stopAfter] = (process.env.STOP_AT ?? ':0').split(':');
const db = await connectDatabase(process.env.MONGODB_URI!);
const runner = createMigrationRunner(db, {
  lockLeaseMs: Number(process.env.LEASE_MS),
  log: (m) => process.stdout.write(`${m}\n`),
  async onProgress(label, done) {
    if (label !== stopLabel || done !== Number(stopAfter)) return;
    process.stdout.write('midway\n');
    await new Promise(() => {});
  },
});
try {
  process.stdout.write(`ran ${JSON.stringify(await runner.up())}\n`);
  await db.close();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
  await db.close();
}
