import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BSON } from 'mongodb';
import { createMigrationRunner } from '../migrations/migrations.js';
import { ArchiveError } from '../backup/archive-format.js';
import { ArchiveReader } from '../backup/archive-reader.js';
import { backupDirectory } from '../backup/backup-dir.js';
import { DEFAULT_KEEP_DAYS, pruneBackups } from '../backup/backup-prune.js';
import type { RestoreReport } from '../backup/backup-restore.js';
import { registryPath } from '../backup/registry-file.js';
import { MasterKey } from '../crypto/master-key.js';
import { isStorageFull } from '../errors/http-errors.js';
import { CliError } from './cli-error.js';
import type { Command, CommandContext } from './command.js';
import { progressBar } from './progress-bar.js';
import { readKeyOption } from './secret-option.js';

export const STAGING_PASSWORD = 'Staging-Password-1';
export const STAGING_CLIENT_SECRET = 'staging-client-secret';

const USAGE = {
  create: 'backup create [--tenant <slug>] [--compression gzip|br]',
  restore: 'backup restore <file> [--force]',
  prune: 'backup prune [--keep-days <days>]',
  anonymize: 'backup anonymize <in> <out> --staging-key-env <VAR> | --staging-key-file <path> [--password <pw>] [--client-secret <secret>]',
  'read-export': 'backup read-export <file> <out.ndjson> --key-env <VAR> | --key-file <path>',
} as const;

type Sub = keyof typeof USAGE;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

const OPTIONS = {
  create: { tenant: { type: 'string' }, compression: { type: 'string' } },
  restore: { force: { type: 'boolean' } },
  prune: { 'keep-days': { type: 'string' } },
  anonymize: { 'staging-key-env': { type: 'string' }, 'staging-key-file': { type: 'string' }, password: { type: 'string' }, 'client-secret': { type: 'string' } },
  'read-export': { 'key-env': { type: 'string' }, 'key-file': { type: 'string' } },
} as const;

const POSITIONALS: Record<Sub, number> = { create: 0, restore: 1, prune: 0, anonymize: 2, 'read-export': 2 };

export function parseBackupArgs(args: readonly string[]): { sub: Sub } & Parsed {
  const [sub, ...rest] = args;
  if (!sub || !(sub in USAGE)) throw new CliError(`Usage:\n${Object.values(USAGE).map((u) => `  npm run idp -- ${u}`).join('\n')}`, 2);
  const name = sub as Sub;
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS[name], allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nUsage: npm run idp -- ${USAGE[name]}`, 2);
  }
  if (parsed.positionals.length !== POSITIONALS[name]) throw new CliError(`Usage: npm run idp -- ${USAGE[name]}`, 2);
  return { sub: name, ...parsed };
}

/** A file named as given, or else as a name inside BACKUP_DIR. */
async function archivePath(name: string, dir: string): Promise<string> {
  return (await access(name).then(() => true, () => false)) ? resolve(name) : join(dir, name);
}

function countLines(title: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return entries.length ? [title, ...entries.map(([name, n]) => `  ${name.padEnd(20)} ${n}`)] : [];
}

export function formatRestore(report: RestoreReport): string {
  return [
    `Restored ${report.file} (${report.scope.type === 'all' ? 'all tenants' : `tenant ${report.scope.slug}`}).`,
    ...countLines('Documents restored:', report.restored),
    ...countLines('Left out, about erased people (never restored):', report.skipped),
    ...countLines('Restored in the form erasure or anonymization left them:', report.altered),
    ...report.terminatedTenants.map((t) => `Left out, terminated tenant ${t.slug ?? t.tenantId}: ${t.skipped} documents (its data key is destroyed).`),
    `Deleted-subjects list: ${report.tombstones} entries.`,
    '',
  ].join('\n');
}

async function run(ctx: CommandContext, args: readonly string[]): Promise<string> {
  const { sub, values, positionals } = parseBackupArgs(args);
  const dir = backupDirectory(ctx.config);
  const { backups } = ctx.services;
  switch (sub) {
    case 'create': {
      const compression = values.compression as string | undefined;
      if (compression !== undefined && compression !== 'gzip' && compression !== 'br') throw new CliError('--compression is gzip or br', 2);
      const { file, manifest } = await backups.create({ dir, tenantSlug: values.tenant as string | undefined, compression, progress: progressBar() });
      return [`Backup written: ${file}`, `  sha256 ${manifest.sha256}, ${manifest.bytes} bytes`, ...countLines('Documents:', manifest.collections), ''].join('\n');
    }
    case 'restore': {
      const file = await archivePath(positionals[0]!, dir);
      const report = await backups.restore({ file, registryFile: registryPath(dir), force: values.force === true, progress: progressBar() });
      // Restored documents may predate migrations this database has had; pending ones run at the next start.
      const reapplied = await createMigrationRunner(ctx.db).reapply();
      return formatRestore(report) + (reapplied.length ? `Migrations applied again to the restored data: ${reapplied.join(', ')}\n` : '');
    }
    case 'prune': {
      const days = values['keep-days'] === undefined ? DEFAULT_KEEP_DAYS : Number(values['keep-days']);
      if (!Number.isInteger(days) || days < 1) throw new CliError('--keep-days is a whole number of days, at least 1', 2);
      const { removed, kept } = await pruneBackups(dir, days);
      return [`Kept ${kept.length} backup(s) of the last ${days} days; removed ${removed.length}:`, ...removed.map((f) => `  ${f}`), ''].join('\n');
    }
    case 'anonymize': {
      const key = await readKeyOption(values, 'staging-key', ctx.env);
      if (!key) throw new CliError(`Name the staging environment's master key. Usage: npm run idp -- ${USAGE.anonymize}`, 2);
      const stagingKey = new MasterKey(key);
      if (stagingKey.id === ctx.masterKey.id) throw new CliError("The staging key is this environment's own master key: a staging copy is for another environment");
      const password = (values.password as string | undefined) ?? STAGING_PASSWORD;
      const clientSecret = (values['client-secret'] as string | undefined) ?? STAGING_CLIENT_SECRET;
      const output = resolve(positionals[1]!);
      if (await access(output).then(() => true, () => false)) throw new CliError(`${output} exists already`);
      const report = await backups.stagingCopy({
        input: await archivePath(positionals[0]!, dir),
        output,
        stagingKey,
        passwordHash: await ctx.services.hasher.hash(password),
        clientSecret,
        registryFile: registryPath(dir),
        progress: progressBar(),
      });
      return [
        `Staging copy written: ${report.file} (for master key ${stagingKey.id})`,
        `  ${report.users} user(s) renamed user-<n>@example.invalid / Person <n>; password: ${password}`,
        `  confidential clients' secret: ${clientSecret}`,
        ...countLines('Left out:', report.dropped),
        ...countLines('Left out, about people erased since the backup:', report.skipped),
        ...report.terminatedTenants.map((t) => `Left out, tenant ${t.slug ?? t.tenantId} terminated since the backup: ${t.skipped} documents.`),
        "Restore it on the staging system with its own master key: npm run idp -- backup restore <file>",
        '',
      ].join('\n');
    }
    case 'read-export': {
      const exportKey = await readKeyOption(values, 'key', ctx.env);
      if (!exportKey) throw new CliError(`Name the export key. Usage: npm run idp -- ${USAGE['read-export']}`, 2);
      const count = await readExport(resolve(positionals[0]!), resolve(positionals[1]!), exportKey);
      return `${count} document(s) written to ${resolve(positionals[1]!)}, one JSON line each ({"collection", "document"}).\n`;
    }
  }
}

/** A customer's export as JSON lines (MongoDB extended JSON): readable without this software. */
export async function readExport(file: string, out: string, exportKey: Buffer): Promise<number> {
  const reader = await ArchiveReader.open(file, { exportKey });
  const stream = createWriteStream(out, { mode: 0o600, flags: 'wx' });
  let count = 0;
  try {
    for await (const event of reader.events()) {
      if (event.type !== 'document') continue;
      const line = BSON.EJSON.stringify({ collection: event.collection, document: BSON.deserialize(event.bson) }, { relaxed: true });
      count += 1;
      if (!stream.write(line + '\n')) await once(stream, 'drain');
    }
  } finally {
    stream.end();
    await once(stream, 'close');
  }
  return count;
}

export const backupCommand: Command = {
  name: 'backup',
  usage: 'backup create|restore|prune|anonymize|read-export …',
  summary: 'Encrypted backups in BACKUP_DIR: create, restore (erased people stay out), prune (35 days), staging copies',
  maxArgs: 10,
  async run(ctx, args) {
    try {
      ctx.out(await run(ctx, args));
    } catch (err) {
      if (err instanceof ArchiveError) throw new CliError(err.message);
      if (isStorageFull(err)) {
        throw new CliError(`No room to write in ${backupDirectory(ctx.config)} (${(err as NodeJS.ErrnoException).code}): nothing of this was kept. Free space there and run it again.`);
      }
      throw err;
    }
  },
};
