import { z } from 'zod';
import { ValidationError } from '../../errors/http-errors.js';
import { LINK_EXISTING_USERS, type UpstreamIdpDoc } from '../../federation/upstream-idp.model.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, patchBody, TenantParams } from '../schemas.js';

/** https, or http on this machine's loopback (a provider under development): never plain http across a network. */
const Issuer = z
  .url()
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) && !url.search && !url.hash;
  }, 'must be an https URL without query or fragment (http only on the loopback)')
  .describe('the provider\'s issuer; its discovery document is at <issuer>/.well-known/openid-configuration');
const Domain = z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name');
const Scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'not a scope');

const RoleRule = z.strictObject({
  claim: z.string().min(1).max(128).describe('an upstream claim, from its ID token or userinfo: a string or an array of strings'),
  value: z.string().min(1).max(256),
  role: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'not a role name'),
});
const UpstreamIdpCreate = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('shown on the sign-in button: "Sign in with <name>"'),
  issuer: Issuer,
  client_id: z.string().min(1).max(256),
  client_secret: z.string().min(1).max(1024).describe('write-only: sealed at rest, never answered'),
  scopes: z.array(Scope).max(20).optional().describe('asked of the provider; `openid` is always added (default openid email profile)'),
  email_domains: z.array(Domain).max(100).optional().describe('email domains whose people this provider signs in'),
  jit_create: z.boolean().optional().describe('create a user at the first sign-in of a person not linked yet (default false: refused)'),
  role_mappings: z
    .array(RoleRule)
    .max(100)
    .optional()
    .describe('at each sign-in, the roles these rules name are given to whom the claim matches and taken from whom it does not; other roles are left alone'),
  link_existing_users: z
    .enum(LINK_EXISTING_USERS)
    .optional()
    .describe(
      'the first sign-in of a person not linked yet links them to the existing user with the same address when `verified_email_in_domains`: the provider marks the email verified, its domain is one of email_domains, that user is not linked to another subject of this issuer and may sign in. Needs email_domains. Only for a provider that verifies the ownership of addresses of those domains: it can then reach every user of them (default never)',
    ),
  require_for_domains: z
    .boolean()
    .optional()
    .describe('true (default): people of email_domains sign in through this provider only, a password here is never checked; false: their email still sends them there, but a password typed with it is checked here'),
});
const UpstreamIdpUpdate = patchBody(UpstreamIdpCreate.partial());
const UpstreamIdpView = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  client_id: z.string(),
  scopes: z.array(z.string()),
  email_domains: z.array(z.string()),
  jit_create: z.boolean(),
  role_mappings: z.array(z.object({ claim: z.string(), value: z.string(), role: z.string() })),
  link_existing_users: z.enum(LINK_EXISTING_USERS),
  require_for_domains: z.boolean(),
  redirect_uri: z.string().describe('register this at the provider as the redirect URI of the client'),
  created_at: z.string(),
  updated_at: z.string(),
});
const IdpParams = TenantParams.extend({ idpId: Id });
type Body = z.infer<typeof UpstreamIdpUpdate>;

const ADMINS = ['tenant_admin'] as const;

function toInput(body: Body) {
  const { name, issuer, client_id, client_secret, scopes, email_domains, jit_create, role_mappings, link_existing_users, require_for_domains } = body;
  return {
    ...{ name, issuer, clientId: client_id, clientSecret: client_secret, scopes, emailDomains: email_domains, jitCreate: jit_create, roleMappings: role_mappings },
    ...{ linkExistingUsers: link_existing_users, requireForDomains: require_for_domains },
  };
}

/**
 * Linking by address trusts the provider for its own domains and no others: without a domain it would trust it
 * for none, and the setting would read as on while doing nothing. Checked against the provider the change lands on.
 */
function checkLinking(current: Pick<UpstreamIdpDoc, 'emailDomains' | 'linkExistingUsers'>, body: Body): void {
  const linking = (body.link_existing_users ?? current.linkExistingUsers) !== 'never';
  const domains = body.email_domains ?? current.emailDomains;
  if (!linking || domains.length) return;
  // Each field this change sent is named: either is where the admin may mend it.
  const issues = [
    body.link_existing_users ? { field: 'body.link_existing_users', message: 'needs email_domains: a user is linked only by an address of the domains this provider is trusted for' } : undefined,
    body.email_domains ? { field: 'body.email_domains', message: 'cannot be empty while link_existing_users is on: turn it to never first, or with this change' } : undefined,
  ];
  throw new ValidationError(issues.filter((issue) => issue !== undefined));
}

export function upstreamIdpRoutes(services: Services, publicUrl: string): RouteSpec[] {
  const common = { tag: 'federation', access: { scope: 'tenant' as const, roles: ADMINS } };
  const toView = (slug: string, d: UpstreamIdpDoc): z.infer<typeof UpstreamIdpView> => ({
    id: d._id,
    name: d.name,
    issuer: d.issuer,
    client_id: d.clientId,
    scopes: d.scopes,
    email_domains: d.emailDomains,
    jit_create: d.jitCreate,
    role_mappings: (d.roleMappings ?? []).map(({ claim, value, role }) => ({ claim, value, role })),
    link_existing_users: d.linkExistingUsers,
    require_for_domains: d.requireForDomains,
    redirect_uri: `${publicUrl}/t/${slug}/federation/callback`,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  });
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof UpstreamIdpCreate>>({
      ...common,
      method: 'post',
      path: '/tenants/{tenant}/upstream-idps',
      operationId: 'createUpstreamIdp',
      summary: 'Let people sign in with an upstream OpenID provider; its client secret is sealed and never answered',
      params: TenantParams,
      body: UpstreamIdpCreate,
      responses: { 201: { description: 'Created', schema: UpstreamIdpView } },
      handler: async ({ tenant, body }) => {
        checkLinking({ emailDomains: [], linkExistingUsers: 'never' }, body);
        const input = { ...toInput(body), name: body.name, issuer: body.issuer, clientId: body.client_id, clientSecret: body.client_secret };
        return { status: 201, body: toView(tenant.slug, await services.upstreamIdps.create(tenant._id, input)) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      ...common,
      method: 'get',
      path: '/tenants/{tenant}/upstream-idps',
      operationId: 'listUpstreamIdps',
      summary: "List the tenant's upstream OpenID providers (without secrets)",
      params: TenantParams,
      responses: { 200: { description: 'The providers', schema: z.object({ items: z.array(UpstreamIdpView) }) } },
      handler: async ({ tenant }) => ({ body: { items: (await services.upstreamIdps.list(tenant._id)).map((d) => toView(tenant.slug, d)) } }),
    }),
    defineRoute<z.infer<typeof IdpParams>>({
      ...common,
      method: 'get',
      path: '/tenants/{tenant}/upstream-idps/{idpId}',
      operationId: 'getUpstreamIdp',
      summary: 'One upstream OpenID provider (without its secret)',
      params: IdpParams,
      responses: { 200: { description: 'The provider', schema: UpstreamIdpView } },
      handler: async ({ tenant, params }) => ({ body: toView(tenant.slug, await services.upstreamIdps.get(tenant._id, params.idpId)) }),
    }),
    defineRoute<z.infer<typeof IdpParams>, unknown, Body>({
      ...common,
      method: 'patch',
      path: '/tenants/{tenant}/upstream-idps/{idpId}',
      operationId: 'updateUpstreamIdp',
      summary: 'Change an upstream provider; a new client_secret replaces the sealed one',
      params: IdpParams,
      body: UpstreamIdpUpdate,
      responses: { 200: { description: 'The provider', schema: UpstreamIdpView } },
      handler: async ({ tenant, params, body }) => {
        if (body.link_existing_users !== undefined || body.email_domains !== undefined) checkLinking(await services.upstreamIdps.get(tenant._id, params.idpId), body);
        return { body: toView(tenant.slug, await services.upstreamIdps.update(tenant._id, params.idpId, toInput(body))) };
      },
    }),
    defineRoute<z.infer<typeof IdpParams>>({
      ...common,
      method: 'delete',
      path: '/tenants/{tenant}/upstream-idps/{idpId}',
      operationId: 'deleteUpstreamIdp',
      summary: 'Remove an upstream provider; the users linked through it stay',
      params: IdpParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ tenant, params }) => {
        await services.upstreamIdps.delete(tenant._id, params.idpId);
        return { status: 204 };
      },
    }),
  ];
}
