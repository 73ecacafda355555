import { parse, type Filter } from 'scim2-parse-filter';
import { badRequest } from './scim-errors.js';

/** What a supported filter asks for: one attribute equal to one value. */
export interface EqualityFilter {
  attribute: string;
  value: string;
}

/**
 * Filters (RFC 7644 §3.4.2.2) are parsed by scim2-parse-filter; what we can answer is narrower than the grammar.
 * Emails are stored encrypted with only a keyed hash indexed, so `eq` on an email is a lookup by that hash,
 * while `sw`, `co`, `ew`, `gt`... would have to decrypt every user of the tenant: they are refused with
 * `invalidFilter`, as are `and`, `or`, `not` and `pr`. `supported` maps the attribute names a client may use
 * (compared case-insensitively, as the RFC says) to the one each stands for.
 */
export function parseEqualityFilter(text: string | undefined, supported: Record<string, string>): EqualityFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let filter: Filter;
  try {
    filter = parse(text);
  } catch {
    throw badRequest('invalidFilter', `The filter cannot be parsed: ${text}`);
  }
  const names = Object.keys(supported).join(', ');
  const flat = flattenValuePath(filter);
  if (flat.op !== 'eq' || !('attrPath' in flat)) {
    throw badRequest('invalidFilter', `Only "eq" on one attribute (${names}) is supported; "${flat.op}" would need every user's encrypted data decrypted`);
  }
  const attribute = supported[stripUserSchema(flat.attrPath).toLowerCase()];
  if (!attribute) throw badRequest('invalidFilter', `Filtering on ${flat.attrPath} is not supported; only ${names} with "eq"`);
  if (typeof flat.compValue !== 'string') throw badRequest('invalidFilter', `${flat.attrPath} is compared with a string`);
  return { attribute, value: flat.compValue };
}

/** `emails[value eq "x"]` is the same question as `emails.value eq "x"`. */
function flattenValuePath(filter: Filter): Filter {
  if (filter.op !== '[]' || !('valFilter' in filter)) return filter;
  const inner = filter.valFilter;
  if (inner.op === 'eq' && 'attrPath' in inner && 'compValue' in inner) return { op: 'eq', attrPath: `${filter.attrPath}.${inner.attrPath}`, compValue: inner.compValue };
  return inner;
}

const USER_SCHEMA_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:user:';

function stripUserSchema(path: string): string {
  return path.toLowerCase().startsWith(USER_SCHEMA_PREFIX) ? path.slice(USER_SCHEMA_PREFIX.length) : path;
}
