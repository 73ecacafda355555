import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';

/**
 * AES-256-GCM sealed boxes: `v1.<iv>.<tag>.<ciphertext>` in base64url. The additional authenticated data
 * binds a box to where it belongs (tenant, collection, field), so a value copied into another record or
 * another tenant fails to open instead of being read as someone else's data.
 */
const VERSION = 'v1';
// Keys held for long are best given as KeyObjects (createSecretKey): Node prepares a raw Buffer key again at
// every cipher it makes, which costs more than sealing a short field (measured on Node 24: 14 µs against 3).
const TAG_LENGTH = 16;

export function seal(key: Buffer | KeyObject, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function open(key: Buffer | KeyObject, box: string, aad: string): Buffer {
  const [version, iv, tag, ciphertext] = box.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new Error('Not a sealed box');
  }
  // A fixed tag length: without it Node accepts a truncated tag (down to 4 bytes), which weakens the seal.
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}
