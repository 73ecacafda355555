import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { open, seal } from '../crypto/aes-gcm.js';
import type { MasterKey } from '../crypto/master-key.js';
import { InsufficientStorageError, isStorageFull } from '../errors/http-errors.js';
import { ArchiveError } from './archive-format.js';
import type { RegistryTombstone } from './registry-file.js';

/**
 * The tombstone journal beside the registry file. The file is rewritten only by backups and terminations, so an
 * erasure made after the last backup would be known to the database alone, and a database lost with its
 * deleted-subjects list would let a restore of that backup bring the person back. Each erasure (and
 * anonymization) therefore leaves one entry here as it happens.
 *
 * One small sealed file per entry, never a shared file edited in place: two processes erasing at once each
 * create their own (written aside, synced, then renamed into place), so neither can lose the other's. A fold
 * (registry.ts) writes the entries it read into the registry file first and only then removes exactly those,
 * so an entry written meanwhile waits for the next fold, and one removed meanwhile is already in the file.
 */
export function journalDir(registryFile: string): string {
  return join(dirname(registryFile), 'registry.journal');
}

const AAD = 'idp-registry-journal:v1';
const ENTRY = /^[0-9a-z]+-[0-9a-f]{16}\.sealed$/;

export interface JournalRead {
  tombstones: RegistryTombstone[];
  /** The entries read: what a fold removes once the registry file holds them. */
  names: string[];
}

/** Where a process that erases writes its entries: the journal beside the registry file of BACKUP_DIR. */
export class TombstoneJournal {
  constructor(
    private readonly dir: string,
    private readonly masterKey: MasterKey,
  ) {}

  /**
   * All of them or none: an entry that cannot be written (a full disk) takes back those written before it and
   * leaves no partial file, so the caller may refuse the whole erasure. No room is InsufficientStorageError.
   */
  async append(tombstones: readonly RegistryTombstone[]): Promise<void> {
    const written: string[] = [];
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      for (const tombstone of tombstones) written.push(await this.write(tombstone));
    } catch (err) {
      await removeJournalEntries(this.dir, written);
      if (isStorageFull(err)) {
        throw new InsufficientStorageError(`The backup folder has no room for the tombstone this needs (${(err as NodeJS.ErrnoException).code}); nothing was changed. Free space there and try again.`);
      }
      throw err;
    }
  }

  private async write(tombstone: RegistryTombstone): Promise<string> {
    const name = `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}.sealed`;
    const { tenantId, subjectId, deletedAt, reason } = tombstone;
    const box = seal(this.masterKey.derive('registry-file'), Buffer.from(JSON.stringify({ tenantId, subjectId, deletedAt, reason }), 'utf8'), AAD);
    const temporary = join(this.dir, `.${name}.tmp`);
    try {
      const handle = await openFile(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(`${box}\n`);
        // On disk before it counts: an erasure answered as done must not vanish with a power cut.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, join(this.dir, name));
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
    return name;
  }
}

/** Every entry of the journal, opened with the first of `keys` that opens it (two during a master-key rotation). */
export async function readJournal(dir: string, keys: readonly MasterKey[]): Promise<JournalRead> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => ENTRY.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tombstones: [], names: [] };
    throw err;
  }
  const read: JournalRead = { tombstones: [], names: [] };
  for (const name of names) {
    const box = await readFile(join(dir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
      // Folded and removed by another process since the listing: the registry file holds it now.
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (box === undefined) continue;
    const entry = openEntry(box.trim(), keys);
    if (!entry) throw new ArchiveError(`${join(dir, name)} does not open with this master key (${keys.map((k) => k.id).join(', ')})`);
    read.tombstones.push({ ...entry, deletedAt: new Date(entry.deletedAt) });
    read.names.push(name);
  }
  return read;
}

function openEntry(box: string, keys: readonly MasterKey[]): RegistryTombstone | undefined {
  for (const key of keys) {
    try {
      return JSON.parse(open(key.derive('registry-file'), box, AAD).toString('utf8')) as RegistryTombstone;
    } catch {
      // not this key
    }
  }
  return undefined;
}

/** After a fold: the entries the registry file now holds. */
export async function removeJournalEntries(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await rm(join(dir, name), { force: true });
}
