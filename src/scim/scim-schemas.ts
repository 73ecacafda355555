import { MAX_PAGE } from './scim-context.js';
import { GROUP_SCHEMA } from './scim-group-mapping.js';
import { USER_SCHEMA } from './scim-user-mapping.js';

const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});
const multi = (name: string, subs: object[], extra: Record<string, unknown> = {}) => attr(name, 'complex', { multiValued: true, subAttributes: subs, ...extra });

const ref = (to: string, mutability: string) => attr('$ref', 'reference', { referenceTypes: [to], mutability });

/** The attributes this server keeps (RFC 7643 §7); anything else a client sends is ignored. */
export function schemaDocuments(base: string) {
  const user = {
    id: USER_SCHEMA,
    name: 'User',
    description: 'A person of the tenant. userName is the email address; email is stored encrypted',
    attributes: [
      attr('userName', 'string', { required: true, uniqueness: 'server' }),
      attr('name', 'complex', { subAttributes: [attr('formatted', 'string'), attr('givenName', 'string'), attr('familyName', 'string')] }),
      attr('displayName', 'string'),
      multi('emails', [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')]),
      multi('phoneNumbers', [attr('value', 'string'), attr('type', 'string')]),
      attr('locale', 'string'),
      attr('active', 'boolean'),
      multi('groups', [attr('value', 'string', { mutability: 'readOnly' }), attr('display', 'string', { mutability: 'readOnly' }), ref('Group', 'readOnly')], { mutability: 'readOnly' }),
    ],
  };
  const group = {
    id: GROUP_SCHEMA,
    name: 'Group',
    description: "A role of the tenant; members hold it, and it is in their tokens' roles claim",
    attributes: [
      attr('displayName', 'string', { required: true, uniqueness: 'server', mutability: 'immutable' }),
      multi('members', [attr('value', 'string', { mutability: 'immutable' }), attr('display', 'string', { mutability: 'readOnly' }), ref('User', 'immutable')]),
    ],
  };
  return [user, group].map((s) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...s, meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` } }));
}

export function resourceTypes(base: string) {
  return [
    { id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA },
    { id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA },
  ].map((t) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], ...t, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${t.id}` } }));
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    // Emails are encrypted with only a keyed hash indexed: "eq" on userName, emails.value and id (Users),
    // displayName and id (Groups); "sw", "co" and the rest are answered with invalidFilter.
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'An access token of a service account of this tenant holding scim_provisioner, by client credentials at the tenant token endpoint for the admin API resource',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}
