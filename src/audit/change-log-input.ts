import { createSecretKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ipPseudonym } from '../crypto/ip-pseudonym.js';
import type { MasterKey } from '../crypto/master-key.js';
import { ValidationError, type FieldIssue } from '../errors/http-errors.js';
import { MissingActorError } from './change-log.errors.js';
import { currentContext, formatActor, type ActorType } from './request-context.js';

/** What a caller states about a change; who made it comes from the request context, never from the caller. */
export interface ChangeInput {
  /** `user.created`, `user.updated`, `door_permission.granted`… */
  action: string;
  /** `user`, `invitation`, `door_permission`, `tenant`… */
  subjectType: string;
  subjectId: string;
  /** Names of the changed fields, never their values. */
  fields: string[];
  /**
   * How many of each, for an entry about many records at once (a backup holding a tenant's users): numbers
   * under field names, so a count can never carry a value.
   */
  counts?: Record<string, number>;
}

/** Who acts and where from, as the request context says; the address is stored only as `ipHash`. */
export interface Provenance {
  actor: string;
  actorType: ActorType;
  requestId?: string;
  ip?: string;
}

/** How a tenant's change log names an address: see changeLogIpHash. */
export type IpHash = (tenantId: string, ip: string) => string;

/**
 * The keyed hash a tenant's change log stores instead of the caller's address: the same address gives the same
 * value within one tenant's log (so entries from one place can be told together), never across tenants, and
 * only whoever holds the master key can check an address against it.
 */
export function changeLogIpHash(masterKey: MasterKey): IpHash {
  // Each tenant's key is derived once (HKDF) and kept as a KeyObject, not derived again at every entry.
  const keys = new LRUCache<string, KeyObject>({ max: 10_000 });
  return (tenantId, ip) => {
    let key = keys.get(tenantId);
    if (!key) keys.set(tenantId, (key = createSecretKey(masterKey.derive(`change-log-ip:${tenantId}`))));
    return ipPseudonym(key, ip);
  };
}

// The patterns are deliberately narrow: an e-mail address, a name with a space or a free-text value put where
// a field name or an id belongs is refused instead of becoming an unencrypted copy in the log.
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const SUBJECT_TYPE = /^[a-z][a-z0-9_]{0,31}$/;
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,128}$/;
const ACTOR_TYPES: readonly ActorType[] = ['user', 'service', 'job', 'system'];
/** Request ids may come from a client header; they are kept for correlation, not as free text. */
const MAX_REQUEST_ID = 128;

export function validateChange(change: ChangeInput): ChangeInput {
  const issues: FieldIssue[] = [];
  if (typeof change.action !== 'string' || change.action.length > 96 || !ACTION.test(change.action)) {
    issues.push({ field: 'action', message: 'must look like "subject.verb"' });
  }
  if (typeof change.subjectType !== 'string' || !SUBJECT_TYPE.test(change.subjectType)) {
    issues.push({ field: 'subjectType', message: 'must be a lower-case type name' });
  }
  if (typeof change.subjectId !== 'string' || !IDENTIFIER.test(change.subjectId)) {
    issues.push({ field: 'subjectId', message: 'must be an identifier, not a value' });
  }
  if (!Array.isArray(change.fields)) {
    issues.push({ field: 'fields', message: 'must be a list of field names' });
  } else {
    change.fields.forEach((name, i) => {
      if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
        issues.push({ field: `fields[${i}]`, message: 'must be a plain field name of at most 64 characters' });
      }
    });
  }
  if (change.counts !== undefined) issues.push(...countIssues(change.counts));
  if (issues.length) throw new ValidationError(issues);
  // Copied member by member so that nothing else a caller attached to the object reaches the log.
  const valid: ChangeInput = { action: change.action, subjectType: change.subjectType, subjectId: change.subjectId, fields: [...change.fields] };
  if (change.counts !== undefined) valid.counts = Object.fromEntries(Object.entries(change.counts));
  return valid;
}

const MAX_COUNTS = 64;
/** Stored as keys of a document, where some servers refuse a dot. */
const COUNT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function countIssues(counts: unknown): FieldIssue[] {
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) return [{ field: 'counts', message: 'must map field names to counts' }];
  const entries = Object.entries(counts);
  if (entries.length > MAX_COUNTS) return [{ field: 'counts', message: `at most ${MAX_COUNTS} counts` }];
  return entries.flatMap(([name, n]) => {
    if (!COUNT_NAME.test(name)) return [{ field: 'counts', message: 'keys must be plain names (letters, digits, _) of at most 64 characters' }];
    return Number.isSafeInteger(n) && (n as number) >= 0 ? [] : [{ field: `counts.${name}`, message: 'must be a whole number, at least 0' }];
  });
}

/** The provenance of the change being made now; refuses to invent one when nobody is identified. */
export function provenanceFromContext(): Provenance {
  const ctx = currentContext();
  if (!ctx) throw new MissingActorError();
  const { actor } = ctx;
  if (!actor || !ACTOR_TYPES.includes(actor.type)) throw new MissingActorError('unknown actor type');
  if (typeof actor.id !== 'string' || !IDENTIFIER.test(actor.id)) throw new MissingActorError('actor id is not an identifier');
  if (actor.tenant !== undefined && !IDENTIFIER.test(actor.tenant)) throw new MissingActorError('actor tenant is not an identifier');
  const provenance: Provenance = { actor: formatActor(actor), actorType: actor.type };
  if (ctx.requestId) provenance.requestId = ctx.requestId.slice(0, MAX_REQUEST_ID);
  if (ctx.ip) provenance.ip = ctx.ip;
  return provenance;
}
