import { OPERATOR_ROLE, PLATFORM_TENANT } from '../admin-api/principal.js';
import { toMetadata } from '../clients/client-registration.js';
import type { Services } from '../services.js';
import { ensurePlatformTenant } from '../tenants/platform.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { formatCredential, operatorCredential, type OperatorCredential } from './operator-credential.js';

export interface InitDeps {
  services: Pick<Services, 'tenants' | 'clients'>;
  publicUrl: string;
}

/**
 * The first platform operator: a service account of the platform tenant holding `platform_operator`. Only
 * once: a second run would hand out another full-power credential to whoever can run the CLI.
 */
export async function runInit({ services, publicUrl }: InitDeps): Promise<OperatorCredential> {
  const platform = await ensurePlatformTenant(services);
  const existing = await services.clients.findWithServiceRole(platform._id, OPERATOR_ROLE);
  if (existing) {
    throw new CliError(
      `An operator credential already exists (client ${existing.clientId} of the "${PLATFORM_TENANT}" tenant); init creates only the first one.\n` +
        `If its secret is lost, replace it with: npm run idp -- rotate-operator-secret ${existing.clientId}`,
    );
  }
  const registration = toMetadata({
    client_name: 'Platform operator',
    redirect_uris: [],
    post_logout_redirect_uris: [],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    service_roles: [OPERATOR_ROLE],
  });
  const { clientId, clientSecret } = await services.clients.create(platform._id, registration);
  return operatorCredential(publicUrl, clientId, clientSecret!);
}

export const initCommand: Command = {
  name: 'init',
  usage: 'init',
  summary: 'Create the platform tenant and the first operator credential, and print it once',
  maxArgs: 0,
  async run({ services, config, out }) {
    const credential = await runInit({ services, publicUrl: config.publicUrl });
    out(formatCredential(credential, 'Platform operator credential created.'));
  },
};
