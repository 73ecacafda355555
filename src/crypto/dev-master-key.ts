import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A developer's master key, made on the first local run and kept beside the local database so its data stays
 * readable across restarts. Production refuses to start without IDP_MASTER_KEY (see config.ts).
 */
export async function loadOrCreateDevMasterKey(file: string): Promise<Buffer> {
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} does not hold a 32-byte base64 key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
