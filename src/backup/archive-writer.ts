import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib';
import {
  CHUNK_SIZE,
  fileKey,
  FORMAT_VERSION,
  FRAME_COLLECTION,
  FRAME_DOCUMENT,
  FRAME_END,
  keyCheck,
  MAGIC,
  type ArchiveHeader,
  type ArchiveKind,
  type ArchiveScope,
  type ArchiveSecret,
  type Compression,
} from './archive-format.js';
import { sealChunks } from './chunk-seal.js';

/** What goes into an archive, in order: a collection, then its documents as BSON, then the next collection. */
export type ArchiveItem = { type: 'collection'; name: string } | { type: 'document'; bson: Buffer };

export interface WriteArchiveOptions {
  file: string;
  kind: ArchiveKind;
  scope: ArchiveScope;
  secret: ArchiveSecret;
  compression?: Compression;
  createdAt?: Date;
}

export interface WrittenArchive {
  file: string;
  header: ArchiveHeader;
  sha256: string;
  bytes: number;
  counts: Record<string, number>;
}

/**
 * Streams items into an encrypted archive: frames, compression, sealed chunks, disk, with backpressure all the
 * way, so memory stays flat however large the data. Written under `.partial` and renamed at the end: a file
 * with the final name is always complete.
 */
export async function writeArchive(items: AsyncIterable<ArchiveItem>, options: WriteArchiveOptions): Promise<WrittenArchive> {
  const salt = randomBytes(16);
  const key = fileKey(options.secret, salt, options.kind);
  const header: ArchiveHeader = {
    format: 'idp-archive',
    version: FORMAT_VERSION,
    kind: options.kind,
    scope: options.scope,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    compression: options.compression ?? 'gzip',
    chunkSize: CHUNK_SIZE,
    key: {
      type: options.secret.type,
      ...(options.secret.type === 'master' ? { masterKeyId: options.secret.masterKey.id } : {}),
      salt: salt.toString('base64url'),
      check: keyCheck(key),
    },
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const counts: Record<string, number> = {};
  const hash = createHash('sha256');
  let bytes = 0;
  const partial = `${options.file}.partial`;
  try {
    await pipeline(
      Readable.from(frames(items, counts)),
      header.compression === 'br' ? createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } }) : createGzip({ level: 6 }),
      sealChunks(key, createHash('sha256').update(headerBytes).digest(), Buffer.concat([MAGIC, length, headerBytes])),
      async function* measure(source: AsyncIterable<Buffer>) {
        for await (const data of source) {
          hash.update(data);
          bytes += data.length;
          yield data;
        }
      },
      createWriteStream(partial, { mode: 0o600 }),
    );
    await rename(partial, options.file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { file: options.file, header, sha256: hash.digest('hex'), bytes, counts };
}

/** Frames, gathered into pieces of about a chunk: one write per document would cost more than the data. */
async function* frames(items: AsyncIterable<ArchiveItem>, counts: Record<string, number>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let current: string | undefined;
  const push = (type: number, payload: Buffer) => {
    const head = Buffer.alloc(5);
    head.writeUInt8(type, 0);
    head.writeUInt32BE(payload.length, 1);
    parts.push(head, payload);
    size += head.length + payload.length;
  };
  for await (const item of items) {
    if (item.type === 'collection') {
      current = item.name;
      counts[current] ??= 0;
      push(FRAME_COLLECTION, Buffer.from(JSON.stringify({ name: item.name }), 'utf8'));
    } else {
      if (current === undefined) throw new Error('An archive document came before any collection');
      counts[current] = (counts[current] ?? 0) + 1;
      push(FRAME_DOCUMENT, item.bson);
    }
    if (size >= CHUNK_SIZE) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  push(FRAME_END, Buffer.from(JSON.stringify({ counts }), 'utf8'));
  yield Buffer.concat(parts, size);
}
