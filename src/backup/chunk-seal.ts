import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ArchiveError, CHUNK_HEAD, CHUNK_SIZE, chunkAad, FINAL_FLAG } from './archive-format.js';

/** The sealed chunks of an archive (layout in archive-format.ts): AES-256-GCM, one fresh IV per chunk. */
export function sealChunks(key: Buffer, headerDigest: Buffer, prefix: Buffer) {
  return async function* seal(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    yield prefix;
    let pending: Buffer[] = [];
    let size = 0;
    let index = 0;
    for await (const data of source) {
      pending.push(data);
      size += data.length;
      // Strictly more than a chunk: whatever remains at the end, even nothing, goes out as the final chunk.
      while (size > CHUNK_SIZE) {
        const all = Buffer.concat(pending, size);
        yield sealChunk(key, headerDigest, index++, all.subarray(0, CHUNK_SIZE), false);
        pending = [all.subarray(CHUNK_SIZE)];
        size -= CHUNK_SIZE;
      }
    }
    yield sealChunk(key, headerDigest, index, Buffer.concat(pending, size), true);
  };
}

function sealChunk(key: Buffer, headerDigest: Buffer, index: number, plaintext: Buffer, final: boolean): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(chunkAad(headerDigest, index, final));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const head = Buffer.alloc(CHUNK_HEAD);
  head.writeUInt32BE(ciphertext.length, 0);
  head.writeUInt8(final ? FINAL_FLAG : 0, 4);
  iv.copy(head, 5);
  cipher.getAuthTag().copy(head, 17);
  return Buffer.concat([head, ciphertext]);
}

export function openChunk(key: Buffer, aad: Buffer, chunk: Buffer, index: number): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, chunk.subarray(5, 17), { authTagLength: 16 });
    decipher.setAAD(aad);
    decipher.setAuthTag(chunk.subarray(17, CHUNK_HEAD));
    return Buffer.concat([decipher.update(chunk.subarray(CHUNK_HEAD)), decipher.final()]);
  } catch {
    throw new ArchiveError(`Chunk ${index} of the archive does not open: the file is damaged or was altered`);
  }
}
