import { OPERATOR_ROLE, PLATFORM_TENANT } from '../admin-api/principal.js';
import { toSettings } from '../clients/client-registration.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { Services } from '../services.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { formatCredential, operatorCredential, type OperatorCredential } from './operator-credential.js';

export interface RotateOperatorSecretDeps {
  services: Pick<Services, 'tenants' | 'clients'>;
  publicUrl: string;
}

/** A new secret for an operator credential (the first one when none is named): the way back from a lost secret. */
export async function runRotateOperatorSecret({ services, publicUrl }: RotateOperatorSecretDeps, clientId?: string): Promise<OperatorCredential> {
  const platform = await services.tenants.findBySlug(PLATFORM_TENANT);
  const noOperator = new CliError('No operator credential exists yet; create the first with: npm run idp -- init');
  if (!platform) throw noOperator;
  const client = clientId
    ? await services.clients.get(platform._id, clientId).catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new CliError(`The "${PLATFORM_TENANT}" tenant has no client ${clientId}`);
        throw err;
      })
    : await services.clients.findWithServiceRole(platform._id, OPERATOR_ROLE);
  if (!client) throw noOperator;
  if (!toSettings(client.metadata).service_roles.includes(OPERATOR_ROLE)) {
    throw new CliError(`Client ${client.clientId} is not an operator credential`);
  }
  const { clientSecret } = await services.clients.rotateSecret(platform._id, client.clientId);
  return operatorCredential(publicUrl, client.clientId, clientSecret);
}

export const rotateOperatorSecretCommand: Command = {
  name: 'rotate-operator-secret',
  usage: 'rotate-operator-secret [client_id]',
  summary: 'Replace an operator credential\'s secret (the old one stops working) and print the new one once',
  maxArgs: 1,
  async run({ services, config, out }, [clientId]) {
    const credential = await runRotateOperatorSecret({ services, publicUrl: config.publicUrl }, clientId);
    out(formatCredential(credential, `New secret for operator credential ${credential.clientId}.`));
  },
};
