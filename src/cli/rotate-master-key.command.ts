import { readFile } from 'node:fs/promises';
import { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { rotateMasterKey, UnreadableWrappedValueError, type RotationCount } from '../privacy/master-key-rotation.js';
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

function formatCounts(counts: RotationCount[]): string {
  const width = Math.max(...counts.map((c) => c.what.length));
  return counts.map((c) => `  ${c.what.padEnd(width)}  re-wrapped ${c.rewrapped}, already under the new key ${c.alreadyNew}\n`).join('');
}

export const rotateMasterKeyCommand: Command = {
  name: 'rotate-master-key',
  usage: USAGE,
  summary: 'Re-wrap data keys, signing keys and client secrets under a new master key (safe to run again)',
  maxArgs: 2,
  async run({ db, masterKey, env, out }, args) {
    const newKey = await readNewMasterKey(args, env);
    const counts = await runRotateMasterKey(db, masterKey, newKey);
    out(
      [
        `Re-wrapped under the new master key (id ${newKey.id}):`,
        formatCounts(counts),
        'Now restart every process with IDP_MASTER_KEY set to the new key: a process still holding the old key',
        'cannot open what was re-wrapped. Browser sessions end (their cookie keys derive from the master key).',
        'Keep the old key until the restart is done; then destroy it.',
        '',
      ].join('\n'),
    );
  },
};
