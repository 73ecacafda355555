import { adminAudience } from '../admin-api/admin-api.js';
import { PLATFORM_TENANT } from '../admin-api/principal.js';
import { issuerFor } from '../oidc/provider.factory.js';

/** Everything an operator's tooling needs to obtain admin API tokens. */
export interface OperatorCredential {
  clientId: string;
  clientSecret: string;
  tokenEndpoint: string;
  /** The admin API's resource indicator, sent as `resource` with `scope=admin`. */
  audience: string;
}

export function operatorCredential(publicUrl: string, clientId: string, clientSecret: string): OperatorCredential {
  return { clientId, clientSecret, tokenEndpoint: `${issuerFor(publicUrl, PLATFORM_TENANT)}/token`, audience: adminAudience(publicUrl) };
}

export function formatCredential(c: OperatorCredential, heading: string): string {
  return [
    heading,
    'The secret is shown only this once: store it in a secret manager now.',
    '',
    `  client_id:      ${c.clientId}`,
    `  client_secret:  ${c.clientSecret}`,
    `  token endpoint: ${c.tokenEndpoint}`,
    `  audience:       ${c.audience}`,
    '',
    'An admin API token (client credentials, resource = the audience, scope admin):',
    `  curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials -d scope=admin \\`,
    `    --data-urlencode resource=${c.audience} ${c.tokenEndpoint}`,
    '',
  ].join('\n');
}
