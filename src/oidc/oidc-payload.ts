import type { AdapterPayload } from 'oidc-provider';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { OidcEntryDoc } from './oidc-entry.model.js';

/**
 * The kinds whose payloads carry what a relying party sent with an authorization request: its `login_hint`
 * (usually an email address) and `id_token_hint` (an ID token with the user's name and email) sit in clear in
 * a pending interaction for up to an hour. Their payloads are sealed with the tenant's data key like any
 * personal field, bound to the entry's kind and id. Sessions, grants, codes and tokens hold ids, times, scopes
 * and door keys, never a name or an address (test/privacy/encryption-at-rest.test.ts scans for them), and stay
 * readable for the code that lists and ends sessions.
 */
const SEALED_KINDS = new Set(['Interaction', 'PushedAuthorizationRequest', 'BackchannelAuthenticationRequest', 'DeviceCode']);

function payloadField(kind: string, id: string): string {
  return `oidc_payload:${kind}:${id}`;
}

export function sealPayload(cipher: FieldCipher | undefined, kind: string, id: string, payload: AdapterPayload): string {
  return sealPayloadJson(cipher, kind, id, JSON.stringify(payload));
}

/** The same, of a payload already serialized (the adapter keeps the JSON of an entry it has yet to write). */
export function sealPayloadJson(cipher: FieldCipher | undefined, kind: string, id: string, json: string): string {
  return cipher && SEALED_KINDS.has(kind) ? cipher.encrypt(json, payloadField(kind, id)) : json;
}

/**
 * The payload of a stored entry. Where a kind is sealed, a payload of it in clear was not written by this
 * code (or predates sealing, and costs only a new sign-in), so it is treated as absent rather than trusted.
 */
export function openPayload(cipher: FieldCipher | undefined, entry: Pick<OidcEntryDoc, 'kind' | 'id' | 'payload'>): AdapterPayload | undefined {
  if (!cipher || !SEALED_KINDS.has(entry.kind)) return JSON.parse(entry.payload) as AdapterPayload;
  if (entry.payload.startsWith('{')) return undefined;
  return JSON.parse(cipher.decrypt(entry.payload, payloadField(entry.kind, entry.id))) as AdapterPayload;
}

/** The user an entry belongs to: tokens and sessions name it; an interaction does once someone has signed in. */
export function accountOf(payload: AdapterPayload): string | undefined {
  const interaction = payload as { result?: { login?: { accountId?: string } }; session?: { accountId?: string } };
  return payload.accountId ?? interaction.result?.login?.accountId ?? interaction.session?.accountId;
}
