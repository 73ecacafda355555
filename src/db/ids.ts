import { randomBytes } from 'node:crypto';

/** Opaque, unguessable identifiers with a readable prefix (`usr_…`, `ten_…`); never reused. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
