import { OPERATOR_ROLE, PLATFORM_TENANT } from '../admin-api/principal.js';
import { toMetadata } from '../clients/client-registration.js';
import { consoleUrl } from '../clients/console-client.js';
import { issuerFor } from '../oidc/provider.factory.js';
import type { Services } from '../services.js';
import { ensurePlatformTenant } from '../tenants/platform.js';
import type { SentInvitation } from '../tenants/tenant-onboarding.service.js';
import { CliError } from './cli-error.js';
import { parseOptions } from './cli-options.js';
import type { Command } from './command.js';
import { formatCredential, operatorCredential, type OperatorCredential } from './operator-credential.js';

const USAGE = 'init [--email <address>]';

export interface InitDeps {
  services: Pick<Services, 'tenants' | 'clients' | 'onboarding'>;
  publicUrl: string;
}

export interface InitResult {
  credential: OperatorCredential;
  /** The first operator as a person, when an address was given: their invitation and its link. */
  person?: SentInvitation & { email: string; link: string };
}

/**
 * The first platform operator: a service account of the platform tenant holding `platform_operator`, and
 * with `email` a person invited to hold it too (people sign in with a second factor and leave a name in
 * change logs; a shared secret does neither). Only once: a second run would hand out another full-power
 * credential to whoever can run the CLI.
 */
export async function runInit({ services, publicUrl }: InitDeps, email?: string): Promise<InitResult> {
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
  // The person first: a refused address then leaves no credential whose secret was never shown.
  const person = email === undefined ? undefined : { email, ...(await services.onboarding.inviteOperator(platform, { email })) };
  const { clientId, clientSecret } = await services.clients.create(platform._id, registration);
  return { credential: operatorCredential(publicUrl, clientId, clientSecret!), person };
}

export function formatPerson(person: NonNullable<InitResult['person']>, publicUrl: string): string {
  return [
    `Operator invitation for ${person.email} queued; the running server mails it.`,
    `Without mail, hand over this link instead (it works once, until ${person.expiresAt.toISOString()}):`,
    `  invitation link: ${person.link}`,
    `After accepting, they sign in at the platform issuer ${issuerFor(publicUrl, PLATFORM_TENANT)} as a platform operator,`,
    `  for instance to its console: ${consoleUrl(publicUrl, PLATFORM_TENANT)}`,
    '',
  ].join('\n');
}

export const initCommand: Command = {
  name: 'init',
  usage: USAGE,
  summary: 'Create the platform tenant and the first operator credential, print it once; with --email also invite that person as operator',
  maxArgs: 2,
  async run({ services, config, out }, args) {
    const { values, positionals } = parseOptions(args, { email: { type: 'string' } }, USAGE);
    if (positionals.length) throw new CliError(`Usage: npm run idp -- ${USAGE}`, 2);
    const { credential, person } = await runInit({ services, publicUrl: config.publicUrl }, values.email);
    out(formatCredential(credential, 'Platform operator credential created.'));
    if (person) out(formatPerson(person, config.publicUrl));
  },
};
