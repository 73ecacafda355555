import * as client from 'openid-client';
import { adminAudience, ADMIN_API_PREFIX } from '../../src/admin-api/admin-api.js';
import { OPERATOR_ROLE, PLATFORM_TENANT } from '../../src/admin-api/principal.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from './fixtures.js';
import type { TestIdp } from './test-idp.js';

/**
 * Admin API callers as they exist in production: service accounts (client credentials) holding roles, their
 * tokens obtained from the token endpoint over HTTP for the admin API audience.
 */
export async function serviceToken(idp: TestIdp, tenant: TenantDoc, roles: string[]): Promise<string> {
  const { clientId, clientSecret } = await asSetup(() =>
    idp.services.clients.create(tenant._id, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      service_roles: roles,
    }),
  );
  const config = await client.discovery(new URL(`${idp.baseUrl}/t/${tenant.slug}`), clientId, clientSecret, client.ClientSecretBasic(clientSecret!), {
    execute: [client.allowInsecureRequests],
  });
  const tokens = await client.clientCredentialsGrant(config, { resource: adminAudience(idp.baseUrl), scope: 'admin' });
  return tokens.access_token;
}

export async function platformTenant(idp: TestIdp): Promise<TenantDoc> {
  return (await idp.services.tenants.findBySlug(PLATFORM_TENANT)) ?? asSetup(() => idp.services.tenants.create({ slug: PLATFORM_TENANT, name: 'Platform' }));
}

export async function operatorToken(idp: TestIdp): Promise<string> {
  return serviceToken(idp, await platformTenant(idp), [OPERATOR_ROLE]);
}

/** A thin client for the admin API: JSON in, the response out, problems and all. */
export function adminClient(idp: TestIdp) {
  return async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${idp.baseUrl}${ADMIN_API_PREFIX}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (exports): the text itself
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}
