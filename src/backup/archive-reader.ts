import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import {
  ArchiveError,
  CHUNK_HEAD,
  chunkAad,
  FINAL_FLAG,
  fileKey,
  FRAME_COLLECTION,
  FRAME_DOCUMENT,
  FRAME_END,
  keyCheck,
  MAGIC,
  MAX_HEADER,
  secretFor,
  type ArchiveHeader,
  type ArchiveKeys,
} from './archive-format.js';
import { openChunk } from './chunk-seal.js';

export type ArchiveEvent = { type: 'collection'; name: string } | { type: 'document'; collection: string; bson: Buffer };

/** Reads the clear header of an archive: what it is and how to open it, without any key. */
export async function readArchiveHeader(file: string): Promise<{ header: ArchiveHeader; headerBytes: Buffer; offset: number }> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(MAGIC.length + 4);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    if (bytesRead < start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveError(`${file} is not an archive of this identity provider`);
    const length = start.readUInt32BE(MAGIC.length);
    if (length === 0 || length > MAX_HEADER) throw new ArchiveError(`${file} has a damaged header`);
    const headerBytes = Buffer.alloc(length);
    const read = await handle.read(headerBytes, 0, length, start.length);
    if (read.bytesRead < length) throw new ArchiveError(`${file} is truncated inside its header`);
    let header: ArchiveHeader;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as ArchiveHeader;
    } catch {
      throw new ArchiveError(`${file} has a damaged header`);
    }
    if (header.format !== 'idp-archive' || header.version !== 1) throw new ArchiveError(`${file} has an archive format this version cannot read`);
    return { header, headerBytes, offset: start.length + length };
  } finally {
    await handle.close();
  }
}

/**
 * One pass over an archive. `events()` yields collections and documents as they stream past and throws an
 * ArchiveError for anything unsound — a chunk that does not open, a missing final chunk, counts that disagree
 * with the sealed end frame, a file whose SHA-256 is not the manifest's — so a caller that consumes the
 * whole stream before acting has verified the whole file.
 */
export class ArchiveReader {
  readonly counts: Record<string, number> = {};
  sha256 = '';
  bytes = 0;

  private constructor(
    readonly file: string,
    readonly header: ArchiveHeader,
    private readonly headerBytes: Buffer,
    private readonly offset: number,
    private readonly key: Buffer,
    private readonly expectedSha256: string | undefined,
  ) {}

  static async open(file: string, keys: ArchiveKeys, options: { expectedSha256?: string } = {}): Promise<ArchiveReader> {
    const { header, headerBytes, offset } = await readArchiveHeader(file);
    const key = fileKey(secretFor(header, keys), Buffer.from(header.key.salt, 'base64url'), header.kind);
    if (keyCheck(key) !== header.key.check) throw new ArchiveError('The key given does not open this archive');
    return new ArchiveReader(file, header, headerBytes, offset, key, options.expectedSha256);
  }

  async *events(): AsyncGenerator<ArchiveEvent> {
    const hash = createHash('sha256').update(this.headerPrefix());
    const inflated = pipeline(
      createReadStream(this.file, { start: this.offset, highWaterMark: 256 * 1024 }),
      this.openChunks(hash),
      this.header.compression === 'br' ? createBrotliDecompress() : createGunzip(),
      () => undefined,
    );
    let buffer: Buffer = Buffer.alloc(0);
    let collection: string | undefined;
    let ended = false;
    for await (const data of inflated as AsyncIterable<Buffer>) {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
      let at = 0;
      while (buffer.length - at >= 5) {
        const type = buffer.readUInt8(at);
        const length = buffer.readUInt32BE(at + 1);
        if (buffer.length - at - 5 < length) break;
        const payload = buffer.subarray(at + 5, at + 5 + length);
        at += 5 + length;
        if (ended) throw new ArchiveError('The archive holds data after its end frame');
        if (type === FRAME_COLLECTION) {
          collection = (JSON.parse(payload.toString('utf8')) as { name: string }).name;
          this.counts[collection] ??= 0;
          yield { type: 'collection', name: collection };
        } else if (type === FRAME_DOCUMENT && collection !== undefined) {
          this.counts[collection] = (this.counts[collection] ?? 0) + 1;
          yield { type: 'document', collection, bson: payload };
        } else if (type === FRAME_END) {
          this.checkCounts((JSON.parse(payload.toString('utf8')) as { counts: Record<string, number> }).counts);
          ended = true;
        } else {
          throw new ArchiveError('The archive holds a frame of an unknown kind');
        }
      }
      buffer = buffer.subarray(at);
    }
    if (!ended || buffer.length) throw new ArchiveError('The archive ends without its end frame');
  }

  private headerPrefix(): Buffer {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(this.headerBytes.length);
    return Buffer.concat([MAGIC, length, this.headerBytes]);
  }

  private checkCounts(sealed: Record<string, number>): void {
    const names = new Set([...Object.keys(sealed), ...Object.keys(this.counts)]);
    for (const name of names) {
      if ((sealed[name] ?? 0) !== (this.counts[name] ?? 0)) {
        throw new ArchiveError(`The archive's ${name} holds ${this.counts[name] ?? 0} documents where its end frame counts ${sealed[name] ?? 0}`);
      }
    }
  }

  private openChunks(hash: Hash) {
    const { key, header } = this;
    const headerDigest = createHash('sha256').update(this.headerBytes).digest();
    const done = (sha256: string, bytes: number) => {
      this.sha256 = sha256;
      this.bytes = bytes;
      if (this.expectedSha256 && sha256 !== this.expectedSha256) {
        throw new ArchiveError(`The archive's SHA-256 is ${sha256}, its manifest says ${this.expectedSha256}: the file is damaged`);
      }
    };
    let bytes = this.offset;
    return async function* open(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      let buffer: Buffer = Buffer.alloc(0);
      let index = 0;
      let final = false;
      for await (const data of source) {
        hash.update(data);
        bytes += data.length;
        buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
        while (!final && buffer.length >= CHUNK_HEAD) {
          const length = buffer.readUInt32BE(0);
          const flags = buffer.readUInt8(4);
          if (length > header.chunkSize || flags > FINAL_FLAG) throw new ArchiveError(`The archive is damaged at chunk ${index}`);
          if (buffer.length < CHUNK_HEAD + length) break;
          final = flags === FINAL_FLAG;
          yield openChunk(key, chunkAad(headerDigest, index, final), buffer.subarray(0, CHUNK_HEAD + length), index);
          buffer = buffer.subarray(CHUNK_HEAD + length);
          index += 1;
        }
        if (final && buffer.length) throw new ArchiveError('The archive holds data after its final chunk');
      }
      if (!final) throw new ArchiveError('The archive is truncated: its final chunk is missing');
      done(hash.digest('hex'), bytes);
    };
  }
}
