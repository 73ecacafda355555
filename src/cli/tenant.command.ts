import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { backupDirectory } from '../backup/backup-dir.js';
import { registryPath } from '../backup/registry-file.js';
import type { Config } from '../config.js';
import type { TerminationReport } from '../privacy/termination.service.js';
import type { Services } from '../services.js';
import { consoleUrl } from '../clients/console-client.js';
import { issuerFor } from '../oidc/provider.factory.js';
import { PLATFORM_TENANT } from '../admin-api/principal.js';
import { MAX_FIRST_ADMINS, type SentInvitation } from '../tenants/tenant-onboarding.service.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import { ensurePlatformTenant } from '../tenants/platform.js';
import { CliError } from './cli-error.js';
import { parseOptions } from './cli-options.js';
import type { Command } from './command.js';

const USAGE = {
  create: 'tenant create <slug> --name <name> --admin <email> [--admin <email>...]',
  'invite-admin': 'tenant invite-admin <slug> --email <email>',
  terminate: 'tenant terminate <slug> --export <file>',
  exports: 'tenant exports',
  handover: 'tenant handover <export-id> --sha256 <hex of the file the customer received>',
};
const OPTIONS = {
  name: { type: 'string' },
  admin: { type: 'string', multiple: true },
  email: { type: 'string' },
  export: { type: 'string' },
  sha256: { type: 'string' },
} as const;

/** `tenant terminate`: the same termination as DELETE /admin/api/v1/tenants/{tenant}. */
export async function runTerminateTenant(services: Pick<Services, 'tenants' | 'termination'>, config: Pick<Config, 'backupDir'>, slug: string, exportFile: string): Promise<TerminationReport> {
  const tenant = await services.tenants.findBySlug(slug);
  if (!tenant) throw new CliError(`No tenant ${slug}`);
  const file = resolve(exportFile);
  if (tenant.state !== 'terminated' && (await access(file).then(() => true, () => false))) throw new CliError(`${file} exists already; name a new file for the export`);
  return services.termination.terminate(tenant, { exportFile: file, registryFile: registryPath(backupDirectory(config)) });
}

export function formatTermination(report: TerminationReport): string {
  const lines = [`Tenant ${report.tenant.slug} (${report.tenant.id}) terminated.`];
  if (report.export) {
    lines.push(
      `Export for the customer: ${report.export.file}`,
      `  sha256 ${report.export.manifest.sha256}, ${report.export.manifest.bytes} bytes`,
      `  export key: ${report.export.key}`,
      '  The key is shown only this once and stored nowhere: hand it to the customer by another channel than the file.',
      '  They read the export with: npm run idp -- backup read-export <file> <out.ndjson> --key-file <file holding the key>',
    );
    if (report.handover) {
      lines.push(
        `  handover ${report.handover.id}: deleted at ${report.handover.deleteBy} at the latest (TERMINATION_EXPORT_KEEP_DAYS),`,
        `  or once its receipt is confirmed: npm run idp -- tenant handover ${report.handover.id} --sha256 <hex the customer computed>`,
      );
    }
  } else {
    lines.push('An earlier, interrupted run made the export; this run finished the destruction.');
  }
  lines.push('Deleted:', ...Object.entries(report.deleted).filter(([, n]) => n > 0).map(([name, n]) => `  ${name.padEnd(20)} ${n}`));
  lines.push(
    'Its data key is destroyed: its personal data in backups taken before now can no longer be read.',
    report.registryFileUpdated ? 'The registry file beside the backups no longer holds its key.' : 'No registry file here; the next backup writes one without its key.',
    '',
  );
  return lines.join('\n');
}

/** `tenant exports`: the terminated tenants' exports still waiting for their handover, as GET /termination-exports. */
export async function runListExports(services: Pick<Services, 'exportHandover'>): Promise<string> {
  const pending = await handoverOf(services).list();
  if (!pending.length) return 'No export is waiting for its handover.\n';
  return `${pending.map((p) => `${p.id}  ${p.tenant.slug.padEnd(20)} ${p.file}\n  sha256 ${p.sha256}, ${p.bytes} bytes, deleted at ${p.deleteBy} at the latest`).join('\n')}\n`;
}

/** `tenant handover`: the customer received the export intact; it is deleted, as POST /termination-exports/{id}/handover. */
export async function runConfirmHandover(services: Pick<Services, 'exportHandover'>, id: string, sha256: string): Promise<string> {
  const done = await handoverOf(services).confirm(id, sha256);
  return `Export ${done.id} of ${done.tenant.slug} handed over: ${done.file} deleted, recorded in the ${PLATFORM_TENANT} change log.\n`;
}

function handoverOf(services: Pick<Services, 'exportHandover'>): NonNullable<Services['exportHandover']> {
  if (!services.exportHandover) throw new CliError('No BACKUP_DIR: this deployment keeps no exports');
  return services.exportHandover;
}

/** `tenant create`: the same operation as POST /admin/api/v1/tenants with `admins`. */
export function formatCreated(tenant: TenantDoc, invitations: SentInvitation[], publicUrl: string): string {
  return [
    `Tenant ${tenant.slug} (${tenant.name}) created.`,
    `  issuer:  ${issuerFor(publicUrl, tenant.slug)}`,
    `  console: ${consoleUrl(publicUrl, tenant.slug)}`,
    `${invitations.length} tenant_admin invitation(s) queued; the running server mails them (valid until ${invitations[0]?.expiresAt.toISOString()}).`,
    '',
  ].join('\n');
}

/** `tenant invite-admin`: the break-glass of POST /admin/api/v1/tenants/{tenant}/admin-invitations. */
export async function runInviteAdmin(services: Pick<Services, 'tenants' | 'onboarding'>, slug: string, email: string): Promise<SentInvitation> {
  const tenant = await services.tenants.findBySlug(slug);
  if (!tenant) throw new CliError(`No tenant ${slug}`);
  const platform = await ensurePlatformTenant(services);
  return services.onboarding.inviteReplacementAdmin(platform._id, tenant, { email });
}

export const tenantCommand: Command = {
  name: 'tenant',
  usage: 'tenant create|invite-admin|terminate <slug> ... | tenant exports | tenant handover <export-id> --sha256 <hex>',
  summary:
    "Create a tenant with its first admins; invite an admin into a tenant left without one; end a customer's contract (export, then destroy); list the exports awaiting handover, confirm one received (it is deleted)",
  // create <slug> --name <name>, then an --admin <email> pair per first admin.
  maxArgs: 4 + 2 * MAX_FIRST_ADMINS,
  async run({ services, config, out }, args) {
    const [sub] = args;
    const usage = USAGE[sub as keyof typeof USAGE] ?? Object.values(USAGE).join('\n  npm run idp -- ');
    const { values, positionals } = parseOptions(args, OPTIONS, usage);
    if (sub === 'exports' && positionals.length === 1) {
      out(await runListExports(services));
      return;
    }
    const [, slug] = positionals;
    if (!slug || positionals.length !== 2) throw new CliError(`Usage: npm run idp -- ${usage}`, 2);
    if (sub === 'create' && values.name && values.admin?.length) {
      const { tenant, invitations } = await services.onboarding.createWithAdmins({ slug, name: values.name }, values.admin.map((email) => ({ email })));
      out(formatCreated(tenant, invitations, config.publicUrl));
    } else if (sub === 'invite-admin' && values.email) {
      const sent = await runInviteAdmin(services, slug, values.email);
      out(`tenant_admin invitation queued for ${slug}; the running server mails it (valid until ${sent.expiresAt.toISOString()}). Recorded in the change logs of ${slug} and ${PLATFORM_TENANT}.\n`);
    } else if (sub === 'handover' && values.sha256) {
      out(await runConfirmHandover(services, slug, values.sha256));
    } else if (sub === 'terminate' && values.export) {
      out(formatTermination(await runTerminateTenant(services, config, slug, values.export)));
    } else {
      throw new CliError(`Usage: npm run idp -- ${usage}`, 2);
    }
  },
};
