import { serviceToken, adminClient, type AdminCall } from '../support/admin.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

export interface ScimResponse {
  status: number;
  body: any;
  headers: Headers;
}

export type ScimCall = (method: string, path: string, options?: { body?: unknown; ifMatch?: string; token?: string | null }) => Promise<ScimResponse>;

/**
 * A SCIM client over HTTP as RFC 7644 describes one: application/scim+json both ways, a Bearer token from the
 * tenant's token endpoint (client credentials of a service account holding scim_provisioner), If-Match when asked.
 */
export function scimClient(baseUrl: string, slug: string, token: string): ScimCall {
  return async (method, path, options = {}) => {
    const bearer = options.token === undefined ? token : options.token;
    const res = await fetch(`${baseUrl}/t/${slug}/scim/v2${path}`, {
      method,
      headers: {
        accept: 'application/scim+json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...(options.ifMatch ? { 'if-match': options.ifMatch } : {}),
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

export interface ScimWorld {
  idp: TestIdp;
  a: TenantFixture;
  b: TenantFixture;
  /** SCIM clients of tenant A and B, each with its own provisioning account's token. */
  scimA: ScimCall;
  scimB: ScimCall;
  tokenA: string;
  /** The admin API, as tenant A's admin (settings) and auditor (change log). */
  call: AdminCall;
  adminA: string;
  auditorA: string;
}

export async function setUpScimWorld(): Promise<ScimWorld> {
  const idp = await startTestIdp();
  const a = await createTenantFixture(idp.services, 'tenant-a');
  const b = await createTenantFixture(idp.services, 'tenant-b');
  const tokenA = await serviceToken(idp, a.tenant, ['scim_provisioner']);
  const tokenB = await serviceToken(idp, b.tenant, ['scim_provisioner']);
  return {
    idp,
    a,
    b,
    tokenA,
    scimA: scimClient(idp.baseUrl, 'tenant-a', tokenA),
    scimB: scimClient(idp.baseUrl, 'tenant-b', tokenB),
    call: adminClient(idp),
    adminA: await serviceToken(idp, a.tenant, ['tenant_admin']),
    auditorA: await serviceToken(idp, a.tenant, ['auditor']),
  };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
