import type { User } from '../users/user.service.js';
import { badRequest } from './scim-errors.js';
import { versionOf } from './scim-version.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface ScimUser {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  displayName?: string;
  emails: { value: string; primary: boolean; type: string }[];
  phoneNumbers?: { value: string; type: string }[];
  locale?: string;
  active: boolean;
  groups: { value: string; display: string; $ref: string }[];
  meta: { resourceType: 'User'; created: string; lastModified: string; location: string; version: string };
}

/**
 * A user as SCIM shows it. userName and the one email are the same address (Doorway signs people in by
 * email); `name.formatted` and `displayName` are both the user's name; groups are the user's roles. `active`
 * is true only for an active user: locked, restricted, invited and anonymized users are not active.
 */
export function toScimUser(user: User, base: string): ScimUser {
  const shown = {
    schemas: [USER_SCHEMA],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.email ?? '',
    ...(user.name || user.givenName || user.familyName ? { name: clean({ formatted: user.name, givenName: user.givenName, familyName: user.familyName }) } : {}),
    ...(user.name ? { displayName: user.name } : {}),
    emails: user.email ? [{ value: user.email, primary: true, type: 'work' }] : [],
    ...(user.phone ? { phoneNumbers: [{ value: user.phone, type: 'work' }] } : {}),
    ...(user.locale ? { locale: user.locale } : {}),
    active: user.status === 'active',
    groups: user.roles.map((role) => ({ value: role, display: role, $ref: `${base}/Groups/${role}` })),
  };
  const meta = { resourceType: 'User' as const, created: user.createdAt.toISOString(), lastModified: user.updatedAt.toISOString(), location: `${base}/Users/${user.id}` };
  return { ...shown, meta: { ...meta, version: versionOf(shown) } };
}

/** What a SCIM User body (POST, PUT, or the result of a PATCH) asks the user to be. */
export interface UserFields {
  email: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  locale?: string;
  externalId?: string;
  active: boolean;
}

export function fromScimUser(body: unknown): UserFields {
  if (typeof body !== 'object' || body === null) throw badRequest('invalidSyntax', 'A User resource is a JSON object');
  const r = body as Record<string, unknown>;
  const emails = Array.isArray(r.emails) ? (r.emails as { value?: unknown; primary?: unknown }[]) : [];
  const email = (emails.find((e) => e?.primary === true) ?? emails[0])?.value ?? r.userName;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) throw badRequest('invalidValue', 'userName (or a primary email) must be an email address');
  if (typeof r.userName === 'string' && r.userName.toLowerCase() !== email.toLowerCase()) {
    throw badRequest('invalidValue', 'userName and the primary email must be the same address: people sign in with their email');
  }
  const name = (typeof r.name === 'object' && r.name !== null ? r.name : {}) as Record<string, unknown>;
  const phones = Array.isArray(r.phoneNumbers) ? (r.phoneNumbers as { value?: unknown }[]) : [];
  if (r.active !== undefined && typeof r.active !== 'boolean') throw badRequest('invalidValue', 'active is a boolean');
  return {
    email,
    name: text(name.formatted ?? r.displayName, 'name.formatted'),
    givenName: text(name.givenName, 'name.givenName'),
    familyName: text(name.familyName, 'name.familyName'),
    phone: text(phones[0]?.value, 'phoneNumbers'),
    locale: text(r.locale, 'locale'),
    externalId: externalIdOf(r.externalId),
    active: r.active !== false,
  };
}

/**
 * The client's own id for the resource (RFC 7643 §3.1): compared exactly as sent, so it is not trimmed; it is
 * the client's to choose and is never unique here.
 */
export function externalIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 256) throw badRequest('invalidValue', 'externalId is a string of at most 256 characters');
  return value;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) throw badRequest('invalidValue', `${field} is a string of at most 200 characters`);
  return value.trim() || undefined;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
