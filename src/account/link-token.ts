import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret in an emailed link (invitation, password reset, email verification): 256 random bits. Only its
 * SHA-256 is stored, so a copy of the database opens no account; a plain hash suffices because the token is
 * random, not a password that could be guessed.
 */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The shape of a token in a URL: anything else is unknown without a database read. */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
