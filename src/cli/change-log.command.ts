import { open } from 'node:fs/promises';
import { checkpointOfExport } from '../audit/change-log-export.js';
import type { VerifyResult } from '../audit/change-log-chain.js';
import type { Services } from '../services.js';
import { CliError } from './cli-error.js';
import { parseOptions } from './cli-options.js';
import type { Command } from './command.js';

const USAGE = 'change-log verify <slug> [--export <file of a change-log export>]';

/** Enough of either end of an export to hold its header and its checkpoint, however long the export is. */
const END_BYTES = 64 * 1024;

/** The first and last bytes of a file, as text. */
async function ends(file: string): Promise<{ head: string; tail: string }> {
  const handle = await open(file, 'r').catch(() => Promise.reject(new CliError(`Cannot read ${file}`)));
  try {
    const { size } = await handle.stat();
    const read = async (position: number) => {
      const buffer = Buffer.alloc(Math.min(END_BYTES, size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead).toString('utf8');
    };
    return { head: await read(0), tail: await read(Math.max(0, size - END_BYTES)) };
  } finally {
    await handle.close();
  }
}

/**
 * `change-log verify`: what GET …/change-log/verify answers, or, with `--export`, the chain compared with the
 * checkpoint a customer's export ended with: their proof that entries it covered were later cut or rewritten.
 */
export async function runVerifyChangeLog(services: Pick<Services, 'tenants' | 'changeLog'>, slug: string, exportFile?: string): Promise<VerifyResult> {
  const tenant = await services.tenants.findBySlug(slug);
  if (!tenant) throw new CliError(`No tenant ${slug}`);
  if (exportFile === undefined) return services.changeLog.verify(tenant._id);
  const { head, tail } = await ends(exportFile);
  const checkpoint = checkpointOfExport(head, tail);
  if (checkpoint === undefined) throw new CliError(`${exportFile} does not end with a checkpoint`);
  return services.changeLog.verify(tenant._id, checkpoint);
}

export function formatVerification(slug: string, result: VerifyResult): string {
  const against = result.checkpoint ? ` against the checkpoint of entry ${result.checkpoint.seq} (${result.checkpoint.at})` : ' (no checkpoint to compare with)';
  if (result.ok) return `The change log of ${slug} verifies: ${result.checked} entries${against}.\n`;
  const broken = result.firstBroken!;
  return `The change log of ${slug} is broken at entry ${broken.seq} (${broken.reason})${against}; ${result.checked} entries before it verify.\n`;
}

export const changeLogCommand: Command = {
  name: 'change-log',
  usage: USAGE,
  summary: "Verify a tenant's change log, against the newest checkpoint beside the backups or the one an export ended with",
  maxArgs: 4,
  async run({ services, out }, args) {
    const { values, positionals } = parseOptions(args, { export: { type: 'string' } } as const, USAGE);
    const [sub, slug] = positionals;
    if (sub !== 'verify' || !slug || positionals.length !== 2) throw new CliError(`Usage: npm run idp -- ${USAGE}`, 2);
    const result = await runVerifyChangeLog(services, slug, values.export);
    out(formatVerification(slug, result));
    // A broken log is a finding, not a failure of the command; scripts read it from the exit status all the same.
    if (!result.ok) throw new CliError('The change log does not verify.', 1);
  },
};
