import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { carryCheckpointsOver, checkpointDir } from '../audit/change-log-checkpoint-file.js';
import { mergeRegistries, readRegistryFile, registryPath, writeRegistryFile } from '../backup/registry-file.js';
import { journalDir, readJournal, removeJournalEntries } from '../backup/registry-journal.js';
import { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { rotateMasterKey, UnreadableWrappedValueError, type RotationCount } from '../privacy/master-key-rotation.js';
import { projectRoot } from '../project-root.js';
import { dataKeyAad } from '../tenants/tenant-keyring.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';

const USAGE = 'rotate-master-key --new-key-env <VAR> | --new-key-file <path>';

/** The new key, from an environment variable or a file named on the command line; never from the argument itself (shell history). */
export async function readNewMasterKey(args: readonly string[], env: Record<string, string | undefined>): Promise<MasterKey> {
  const [flag, value] = args;
  if (args.length !== 2 || !value || (flag !== '--new-key-env' && flag !== '--new-key-file')) {
    throw new CliError(`Name where the new key is. Usage: npm run idp -- ${USAGE}`, 2);
  }
  let text: string | undefined;
  if (flag === '--new-key-env') {
    text = env[value];
    if (!text) throw new CliError(`The environment variable ${value} is not set`);
  } else {
    text = await readFile(value, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read ${value}: ${err.code ?? err.message}`);
    });
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new CliError('The new key must be 32 bytes encoded as base64 (e.g. openssl rand -base64 32)');
  return new MasterKey(key);
}

export async function runRotateMasterKey(db: Database, oldKey: MasterKey, newKey: MasterKey): Promise<RotationCount[]> {
  if (oldKey.id === newKey.id) throw new CliError('The new key is the master key already in use');
  try {
    return await rotateMasterKey(db, oldKey, newKey);
  } catch (err) {
    if (!(err instanceof UnreadableWrappedValueError)) throw err;
    throw new CliError(`${formatCounts(err.counts)}${err.message}\nThey were left as they are; nothing else is affected.`);
  }
}

/**
 * The registry file beside the backups holds wrapped data keys and is sealed under the master key: re-sealed
 * under the new one with its keys re-wrapped, or a restore with the new key would find none. Its journal's
 * entries, under either key (a process not yet restarted may still write under the old one), are folded into
 * it. Skipped when the new key already opens it and the journal is empty (an earlier run got that far), or
 * there is neither.
 */
export async function resealRegistryFile(backupDir: string, oldKey: MasterKey, newKey: MasterKey): Promise<'resealed' | 'already' | 'none'> {
  const file = registryPath(backupDir);
  const journal = await readJournal(journalDir(file), [oldKey, newKey]);
  const exists = await access(file).then(() => true, () => false);
  if (!exists && !journal.names.length) return 'none';
  const underNew = exists ? await readRegistryFile(file, newKey).catch(() => undefined) : { tenants: [], deletedSubjects: [] };
  if (underNew && !journal.names.length) return 'already';
  const snapshot = underNew ?? (await readRegistryFile(file, oldKey));
  const tenants = underNew
    ? snapshot.tenants
    : snapshot.tenants.map((t) =>
        t.wrappedDataKey ? { ...t, wrappedDataKey: newKey.wrap(oldKey.unwrap(t.wrappedDataKey, dataKeyAad(t.tenantId)), dataKeyAad(t.tenantId)) } : t,
      );
  await writeRegistryFile(file, newKey, mergeRegistries({ ...snapshot, tenants }, { tenants: [], deletedSubjects: journal.tombstones }));
  await removeJournalEntries(journalDir(file), journal.names);
  return 'resealed';
}

function formatCounts(counts: RotationCount[]): string {
  const width = Math.max(...counts.map((c) => c.what.length));
  return counts.map((c) => `  ${c.what.padEnd(width)}  re-wrapped ${c.rewrapped}, already under the new key ${c.alreadyNew}\n`).join('');
}

export const rotateMasterKeyCommand: Command = {
  name: 'rotate-master-key',
  usage: USAGE,
  summary: 'Re-wrap data keys, signing keys and client secrets under a new master key (safe to run again)',
  maxArgs: 2,
  async run({ db, config, masterKey, env, out }, args) {
    const newKey = await readNewMasterKey(args, env);
    const counts = await runRotateMasterKey(db, masterKey, newKey);
    const backupDir = resolve(projectRoot(), config.backupDir);
    const registry = await resealRegistryFile(backupDir, masterKey, newKey);
    const checkpoints = await carryCheckpointsOver(checkpointDir(backupDir), masterKey, newKey);
    out(
      [
        `Re-wrapped under the new master key (id ${newKey.id}):`,
        formatCounts(counts),
        `Backup registry file: ${{ resealed: 're-sealed under the new key', already: 'already under the new key', none: 'none yet' }[registry]}.`,
        `Change-log checkpoints: the newest of ${checkpoints} tenant(s) signed again under the new key.`,
        'Now restart every process with IDP_MASTER_KEY set to the new key: a process still holding the old key',
        'cannot open what was re-wrapped. Browser sessions end (their cookie keys derive from the master key).',
        `Backups taken before now are sealed under the old key (id ${masterKey.id}): keep it, offline, until the`,
        'last of them has aged out, then destroy it.',
        '',
      ].join('\n'),
    );
  },
};
