import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_EXTENSION } from './backup-create.js';
import { manifestPath, readManifest } from './manifest.js';

/** The promise to customers: backups are kept 35 days. */
export const DEFAULT_KEEP_DAYS = 35;

export interface PruneReport {
  removed: string[];
  kept: string[];
}

/**
 * Removes backups older than `keepDays` (by the creation time in their manifest, else the file's), with their
 * manifests, and what interrupted runs left behind. Nothing else in the folder is touched: not the registry
 * file, not tenant exports. No newest backup is spared: keeping data longer than promised is not a safe default.
 */
export async function pruneBackups(dir: string, keepDays = DEFAULT_KEEP_DAYS, now = new Date()): Promise<PruneReport> {
  const cutoff = now.getTime() - keepDays * 24 * 3600 * 1000;
  const report: PruneReport = { removed: [], kept: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  for (const name of names.sort()) {
    const file = join(dir, name);
    if (name.startsWith('backup-') && name.endsWith(`${ARCHIVE_EXTENSION}.partial`)) {
      // A backup in progress writes continuously; one untouched for an hour was abandoned.
      if ((await stat(file)).mtimeMs < now.getTime() - 3600 * 1000) await rm(file, { force: true });
      continue;
    }
    if (!name.startsWith('backup-') || !name.endsWith(ARCHIVE_EXTENSION)) continue;
    const created = await readManifest(file).then(
      (m) => Date.parse(m.createdAt),
      async () => (await stat(file)).mtimeMs,
    );
    if (created >= cutoff) {
      report.kept.push(name);
      continue;
    }
    await rm(file, { force: true });
    await rm(manifestPath(file), { force: true });
    report.removed.push(name);
  }
  return report;
}
