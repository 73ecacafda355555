import { z } from 'zod';
import {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  CLIENT_SCOPES,
  initiateLoginUriProblem,
  redirectUriProblem,
  REQUEST_OBJECT_ALGS,
  settingsProblems,
  toMetadata,
  toSettings,
} from '../../clients/client-registration.js';
import type { ClientRecord } from '../../clients/client.service.js';
import type { Services } from '../../services.js';
import { roleWarnings } from '../admin-roles.js';
import { defineRoute, TENANT_ROLES, type RouteSpec } from '../route-spec.js';
import { Page, TenantParams, paged, patchBody } from '../schemas.js';
import { validate } from '../validate.js';

const RedirectUri = z.string().max(2000).superRefine((uri, ctx) => {
  const problem = redirectUriProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const InitiateLoginUri = z.string().max(2000).superRefine((uri, ctx) => {
  const problem = initiateLoginUriProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const unique = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max).refine((v) => new Set(v).size === v.length, 'must not repeat a value');
const Scope = z
  .string()
  .regex(/^\S+( \S+)*$/, 'space-separated scope names')
  .refine((v) => v.split(' ').every((s) => (CLIENT_SCOPES as readonly string[]).includes(s)), `only ${CLIENT_SCOPES.join(', ')}`);
// Public keys only: a private member (RFC 7518) would hand the app's signing key to whoever reads the client.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PublicJwk = z
  .looseObject({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().max(200).optional() })
  .refine((jwk) => PRIVATE_MEMBERS.every((m) => !(m in jwk)), 'must be a public key (no private members)');
const Jwks = z.strictObject({ keys: z.array(PublicJwk).min(1).max(10) });

const Fields = {
  client_name: z.string().trim().min(1).max(200),
  redirect_uris: unique(RedirectUri, 20),
  post_logout_redirect_uris: unique(RedirectUri, 20),
  grant_types: unique(z.enum(CLIENT_GRANT_TYPES), CLIENT_GRANT_TYPES.length).min(1),
  token_endpoint_auth_method: z.enum(CLIENT_AUTH_METHODS),
  scope: Scope,
  service_roles: unique(z.enum(TENANT_ROLES as [string, ...string[]]), TENANT_ROLES.length),
  require_pkce: z.boolean().describe('false only for a confidential legacy app that cannot send PKCE; public clients always use it'),
  backchannel_logout_uri: RedirectUri.nullable().describe("where a logout token is posted when a person's session with the app ends; null: none"),
  backchannel_logout_session_required: z.boolean().describe('the logout token and ID tokens name the session (sid)'),
  jwks: Jwks.nullable().describe("the app's public keys, for request objects it signs; null: none"),
  request_object_signing_alg: z.enum(REQUEST_OBJECT_ALGS).nullable().describe('the only algorithm accepted for its request objects; null: any'),
  client_uri: RedirectUri.nullable().describe("the app's home page, linked for people (an invitation's last page); null: none"),
  initiate_login_uri: InitiateLoginUri.nullable().describe(
    'https; where the app starts its own sign-in when sent there with iss and login_hint (OIDC Core §4), as after an invitation is accepted; null: none',
  ),
};
// RFC 7591's defaults; the cross-field rules are checked on the whole registration, after a PATCH is merged in.
const ClientCreate = z
  .strictObject({
    ...Fields,
    client_name: Fields.client_name.optional(),
    redirect_uris: Fields.redirect_uris.default([]),
    post_logout_redirect_uris: Fields.post_logout_redirect_uris.default([]),
    grant_types: Fields.grant_types.default(['authorization_code']),
    token_endpoint_auth_method: Fields.token_endpoint_auth_method.default('client_secret_basic'),
    scope: Fields.scope.optional(),
    service_roles: Fields.service_roles.default([]),
    require_pkce: Fields.require_pkce.default(true),
    backchannel_logout_uri: Fields.backchannel_logout_uri.optional(),
    backchannel_logout_session_required: Fields.backchannel_logout_session_required.default(false),
    jwks: Fields.jwks.optional(),
    request_object_signing_alg: Fields.request_object_signing_alg.optional(),
    client_uri: Fields.client_uri.optional(),
    initiate_login_uri: Fields.initiate_login_uri.optional(),
  })
  .superRefine((settings, ctx) => {
    for (const p of settingsProblems(settings)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  });
const ClientUpdate = patchBody(z.strictObject(Fields).partial());
const ClientParams = TenantParams.extend({ clientId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not a client id') });
const ClientView = z.object({
  client_id: z.string(),
  client_name: z.string().optional(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  scope: z.string().optional(),
  service_roles: z.array(z.string()),
  require_pkce: z.boolean(),
  backchannel_logout_uri: z.string().optional(),
  backchannel_logout_session_required: z.boolean(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  request_object_signing_alg: z.string().optional(),
  client_uri: z.string().optional(),
  initiate_login_uri: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
const SecretView = z.object({ client_id: z.string(), client_secret: z.string() });

const ADMINS = ['tenant_admin'] as const;

function warningsFor(roles: string[] | undefined): string[] {
  return roleWarnings('service account', roles);
}

function toView(c: ClientRecord): z.infer<typeof ClientView> {
  return { client_id: c.clientId, ...toSettings(c.metadata), created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString() };
}

/** OIDC clients and service accounts of a tenant. Not personal data, so not in the change log. */
export function clientRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof ClientCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/clients',
      operationId: 'createClient',
      summary: 'Register a client; its secret is in this answer only',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: TenantParams,
      body: ClientCreate,
      responses: { 201: { description: 'Created, with the secret', schema: ClientView.extend({ client_secret: z.string().optional() }), warns: true } },
      handler: async ({ tenant, body }) => {
        const { clientId, clientSecret } = await services.clients.create(tenant._id, toMetadata(body));
        const view = toView(await services.clients.get(tenant._id, clientId));
        return { status: 201, body: { ...view, ...(clientSecret ? { client_secret: clientSecret } : {}) }, warnings: warningsFor(body.service_roles) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof Page>>({
      method: 'get',
      path: '/tenants/{tenant}/clients',
      operationId: 'listClients',
      summary: 'List clients; cursor pagination',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: TenantParams,
      query: Page,
      responses: { 200: { description: 'A page of clients', schema: paged(ClientView) } },
      handler: async ({ tenant, query }) => {
        const page = await services.clients.list(tenant._id, query);
        return { body: { items: page.items.map(toView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof ClientParams>>({
      method: 'get',
      path: '/tenants/{tenant}/clients/{clientId}',
      operationId: 'getClient',
      summary: 'Read a client (never its secret)',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: ClientParams,
      responses: { 200: { description: 'The client', schema: ClientView } },
      handler: async ({ tenant, params }) => ({ body: toView(await services.clients.get(tenant._id, params.clientId)) }),
    }),
    defineRoute<z.infer<typeof ClientParams>, unknown, z.infer<typeof ClientUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/clients/{clientId}',
      operationId: 'updateClient',
      summary: 'Change a client; takes effect at its next request',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: ClientParams,
      body: ClientUpdate,
      responses: { 200: { description: 'The client; `warnings` when a service role gives access to personal data', schema: ClientView, warns: true }, 409: { description: 'Would turn a public client confidential or back; or the built-in console client, which cannot change' } },
      handler: async ({ tenant, params, body }) => {
        const current = await services.clients.get(tenant._id, params.clientId);
        const merged = validate(ClientCreate, { ...toSettings(current.metadata), ...body }, 'body');
        const updated = await services.clients.update(tenant._id, params.clientId, toMetadata(merged));
        return { body: toView(updated), warnings: warningsFor(body.service_roles) };
      },
    }),
    defineRoute<z.infer<typeof ClientParams>>({
      method: 'post',
      path: '/tenants/{tenant}/clients/{clientId}/rotate-secret',
      operationId: 'rotateClientSecret',
      summary: 'Replace the secret; the old one stops working now, the new one is in this answer only',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: ClientParams,
      responses: { 200: { description: 'The new secret', schema: SecretView }, 409: { description: 'A public client has no secret (the built-in console client among them)' } },
      handler: async ({ tenant, params }) => {
        const { clientId, clientSecret } = await services.clients.rotateSecret(tenant._id, params.clientId);
        return { body: { client_id: clientId, client_secret: clientSecret } };
      },
    }),
    defineRoute<z.infer<typeof ClientParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/clients/{clientId}',
      operationId: 'deleteClient',
      summary: 'Delete a client and end its grants and tokens',
      tag: 'clients',
      access: { scope: 'tenant', roles: ADMINS },
      params: ClientParams,
      responses: { 204: { description: 'Deleted' }, 409: { description: 'The built-in console client, which cannot be deleted' } },
      handler: async ({ tenant, params }) => {
        await services.clients.delete(tenant._id, params.clientId);
        return {};
      },
    }),
  ];
}
