import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDirectory } from '../backup/backup-dir.js';
import { registryPath } from '../backup/registry-file.js';
import type { Config } from '../config.js';
import type { TerminationReport } from '../privacy/termination.service.js';
import type { Services } from '../services.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';

const USAGE = 'tenant terminate <slug> --export <file>';

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

export const tenantCommand: Command = {
  name: 'tenant',
  usage: USAGE,
  summary: "End a customer's contract: export the tenant's data under a key shown once, then destroy all of it",
  maxArgs: 4,
  async run({ services, config, out }, args) {
    let parsed: { values: { export?: string }; positionals: string[] };
    try {
      parsed = parseArgs({ args, options: { export: { type: 'string' } }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message}\nUsage: npm run idp -- ${USAGE}`, 2);
    }
    const [sub, slug] = parsed.positionals;
    if (sub !== 'terminate' || !slug || parsed.positionals.length !== 2 || !parsed.values.export) throw new CliError(`Usage: npm run idp -- ${USAGE}`, 2);
    out(formatTermination(await runTerminateTenant(services, config, slug, parsed.values.export)));
  },
};
