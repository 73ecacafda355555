import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { ScimError } from './scim-errors.js';

/**
 * A resource's version (meta.version, the ETag): a weak tag over what the resource shows, so that any change
 * a client could see changes it, whichever path made the change (SCIM, the admin API, a sign-in's lockout).
 */
export function versionOf(resource: object): string {
  return `W/"${createHash('sha256').update(JSON.stringify(resource)).digest('base64url').slice(0, 22)}"`;
}

/** RFC 7644 §3.14: a write with If-Match on a version that is no longer current answers 412 and changes nothing. */
export function checkIfMatch(ctx: Context, current: string): void {
  const header = ctx.get('if-match');
  if (!header || header.trim() === '*') return;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(current.replace(/^W\//, ''))) {
    throw new ScimError(412, 'The resource has changed since that version was read (If-Match)');
  }
}

/** Sets the ETag header to the version the body shows. */
export function sendResource(ctx: Context, resource: { meta: { version: string } }, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/scim+json';
  ctx.set('ETag', resource.meta.version);
  ctx.body = resource;
}
