import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ArchiveError, type ArchiveKind, type ArchiveScope } from './archive-format.js';
import type { WrittenArchive } from './archive-writer.js';

/**
 * The manifest beside each archive (`<file>.manifest.json`): what the archive is, its size and SHA-256, and how
 * many documents each collection holds. It is what `backup prune` and an operator read without any key, so it
 * holds no personal data: counts, checksums, dates, tenant ids and slugs only.
 */
export interface Manifest {
  format: 'idp-archive-manifest';
  formatVersion: number;
  file: string;
  kind: ArchiveKind;
  scope: ArchiveScope;
  createdAt: string;
  compression: string;
  keyType: 'master' | 'export';
  masterKeyId?: string;
  bytes: number;
  sha256: string;
  collections: Record<string, number>;
}

export function manifestPath(archive: string): string {
  return `${archive}.manifest.json`;
}

export function manifestOf(written: WrittenArchive): Manifest {
  const { header } = written;
  return {
    format: 'idp-archive-manifest',
    formatVersion: header.version,
    file: basename(written.file),
    kind: header.kind,
    scope: header.scope,
    createdAt: header.createdAt,
    compression: header.compression,
    keyType: header.key.type,
    ...(header.key.masterKeyId ? { masterKeyId: header.key.masterKeyId } : {}),
    bytes: written.bytes,
    sha256: written.sha256,
    collections: written.counts,
  };
}

/** Written under a temporary name and renamed: a manifest is whole or absent, never half written. */
export async function writeManifest(written: WrittenArchive): Promise<Manifest> {
  const manifest = manifestOf(written);
  const file = manifestPath(written.file);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  return manifest;
}

export async function readManifest(archive: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(manifestPath(archive), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArchiveError(`${archive} has no manifest (${basename(manifestPath(archive))})`);
    throw err;
  }
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.format !== 'idp-archive-manifest' || typeof manifest.sha256 !== 'string' || typeof manifest.collections !== 'object') {
    throw new ArchiveError(`${basename(manifestPath(archive))} is not an archive manifest`);
  }
  return manifest;
}
