import { createHmac, hkdfSync } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';

/**
 * The file format of backups, tenant exports and staging copies (one format, three kinds):
 *
 *   magic "IDPARCH\n" | u32 header length | header (JSON, in clear: how to read the rest, no personal data)
 *   chunk*            | u32 ciphertext length | u8 flags (1 = final) | 12-byte IV | 16-byte GCM tag | ciphertext
 *
 * The chunks carry the compressed record stream, sealed one by one with AES-256-GCM under a key derived for
 * this file alone. Each chunk's additional data is the header's digest, its index and its final flag, so a
 * chunk moved, repeated, dropped or taken from another file fails to open, and a file cut short lacks its
 * final chunk. Inside the compressed stream: frames `u8 type | u32 length | payload`, one per collection
 * start (JSON name), document (BSON, exactly as stored) and the end (JSON counts per collection).
 */
export const MAGIC = Buffer.from('IDPARCH\n', 'latin1');
export const FORMAT_VERSION = 1;
export const CHUNK_SIZE = 64 * 1024;
export const CHUNK_HEAD = 4 + 1 + 12 + 16;
export const FINAL_FLAG = 1;
export const MAX_HEADER = 16 * 1024;

export const FRAME_COLLECTION = 1;
export const FRAME_DOCUMENT = 2;
export const FRAME_END = 3;

/** backup: ours, under the master key; export: the customer's at termination; staging: for a staging system. */
export type ArchiveKind = 'backup' | 'export' | 'staging';
export type ArchiveScope = { type: 'all' } | { type: 'tenant'; tenantId: string; slug: string };
export type Compression = 'gzip' | 'br';

export interface ArchiveHeader {
  format: 'idp-archive';
  version: number;
  kind: ArchiveKind;
  scope: ArchiveScope;
  createdAt: string;
  compression: Compression;
  chunkSize: number;
  /** `master`: a key derived from a master key (named by its id); `export`: a random key handed over once. */
  key: { type: 'master' | 'export'; masterKeyId?: string; salt: string; check: string };
}

/** What can open an archive: the master key it names, or the random key of a customer export. */
export interface ArchiveKeys {
  masterKey?: MasterKey;
  exportKey?: Buffer;
}

export type ArchiveSecret = { type: 'master'; masterKey: MasterKey } | { type: 'export'; key: Buffer };

/** A file that is not a sound archive, or one these keys cannot open: the operator's problem, told plainly. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export function fileKey(secret: ArchiveSecret, salt: Buffer, kind: ArchiveKind): Buffer {
  const ikm = secret.type === 'master' ? secret.masterKey.derive('archives') : secret.key;
  return Buffer.from(hkdfSync('sha256', ikm, salt, `idp-archive:${kind}`, 32));
}

/** Tells a wrong key from a damaged file before the first chunk is tried. */
export function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('key-check').digest('base64url').slice(0, 22);
}

/** The key of an archive's header from the keys the caller holds, or why there is none. */
export function secretFor(header: ArchiveHeader, keys: ArchiveKeys): ArchiveSecret {
  if (header.key.type === 'export') {
    if (!keys.exportKey) throw new ArchiveError('This archive is a tenant export: it opens only with the export key handed out at termination');
    return { type: 'export', key: keys.exportKey };
  }
  if (!keys.masterKey) throw new ArchiveError('This archive opens only with a master key');
  if (keys.masterKey.id !== header.key.masterKeyId) {
    throw new ArchiveError(`This archive was encrypted under master key ${header.key.masterKeyId}; the key given is ${keys.masterKey.id}`);
  }
  return { type: 'master', masterKey: keys.masterKey };
}

export function chunkAad(headerDigest: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(headerDigest.length + 9);
  headerDigest.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), headerDigest.length);
  aad.writeUInt8(final ? FINAL_FLAG : 0, headerDigest.length + 8);
  return aad;
}
