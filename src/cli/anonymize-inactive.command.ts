import type { Database } from '../db/database.js';
import { createScheduler } from '../jobs/jobs.js';
import { ANONYMIZE_INACTIVE, inactivityAnonymizer } from '../privacy/privacy-jobs.js';
import type { TenantInactivity } from '../privacy/inactivity-anonymizer.js';
import type { Services } from '../services.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';

/** Who would be anonymized now: ids and last activity, never names or addresses. */
export function previewInactive(services: Services, db: Database): Promise<TenantInactivity[]> {
  return inactivityAnonymizer(services, db.models.users).preview();
}

/** The scheduled job, run now under its lease, so it never runs beside the scheduler's own run. */
export async function runAnonymizeInactive(services: Services, db: Database): Promise<number> {
  // A failure is thrown to the CLI, which reports it; nothing to log besides.
  const logger = { info: () => {}, error: () => {} };
  const scheduler = createScheduler(db, services, { schedulerIntervalMs: 0 }, logger);
  const run = await scheduler.runNow(ANONYMIZE_INACTIVE);
  if (!run.ran) throw new CliError('The anonymization job is running in another process right now; try again when it has finished');
  return (run.result as { anonymized: number }).anonymized;
}

function formatPreview(found: TenantInactivity[]): string {
  const lines = found.flatMap((t) => [
    `${t.tenant} (inactive after ${t.inactivityDays} days): ${t.users.length} user(s)`,
    ...t.users.map((u) => `  ${u.id}  last activity ${u.lastActivity.toISOString()}`),
  ]);
  const total = found.reduce((n, t) => n + t.users.length, 0);
  return [...lines, `${total} user(s) would be anonymized.`, ''].join('\n');
}

export const anonymizeInactiveCommand: Command = {
  name: 'anonymize-inactive',
  usage: 'anonymize-inactive [--dry-run]',
  summary: "Anonymize users inactive longer than their tenant's period; --dry-run lists them (ids, last activity)",
  maxArgs: 1,
  async run({ services, db, out }, [flag]) {
    if (flag !== undefined && flag !== '--dry-run') throw new CliError('Usage: npm run idp -- anonymize-inactive [--dry-run]', 2);
    if (flag) {
      out(formatPreview(await previewInactive(services, db)));
      return;
    }
    out(`${await runAnonymizeInactive(services, db)} user(s) anonymized.\n`);
  },
};
