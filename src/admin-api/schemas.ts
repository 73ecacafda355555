import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../i18n/locales.js';
import { EmailAddress } from '../users/email-address.js';

/** Schemas shared by several admin routes. Route-specific ones live beside their routes. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2-63 characters');
/** What an id of ours looks like (`usr_…`), without anchors, for patterns that hold several. */
export const ID_PATTERN = '[a-z]{3}_[A-Za-z0-9_-]{10,64}';
export const Id = z.string().regex(new RegExp(`^${ID_PATTERN}$`), 'not an id');
export const Locale = z.enum(SUPPORTED_LOCALES);
export const TenantParams = z.object({ tenant: Slug });
export const Email = EmailAddress;

/**
 * The body of a PATCH: the fields it may change, at least one of them. `{}` changes nothing, so it is refused
 * (400 naming `body`) rather than answered 200 as if something had been done; `minProperties` says so in the
 * document.
 */
export function patchBody<T extends z.ZodObject>(fields: T) {
  return fields.refine((v) => Object.keys(v).length > 0, 'nothing to change: name at least one field').meta({ minProperties: 1 });
}
/**
 * A page cursor is what a list answered as `next_cursor`: the base64url of a key (an id, a name, a slug, a
 * sequence number). Anything else is refused here, naming `query.cursor`, rather than quietly read as a key.
 */
const Cursor = z
  .string()
  .max(512)
  .refine((v) => {
    const key = Buffer.from(v, 'base64url').toString('utf8');
    return /^[A-Za-z0-9._:-]{1,200}$/.test(key) && Buffer.from(key, 'utf8').toString('base64url') === v;
  }, 'not a cursor this API handed out');
export const Page = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const Timestamp = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}
