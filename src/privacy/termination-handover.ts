import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { manifestPath } from '../backup/manifest.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import { ensurePlatformTenant } from '../tenants/platform.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { TenantExport } from './termination-export.js';

const DAY_MS = 24 * 3600 * 1000;

/** TERMINATION_EXPORT_KEEP_DAYS's default: the four weeks DPA 10.3 allows for a deletion. */
export const DEFAULT_HANDOVER_DAYS = 28;

/** Where terminations through the admin API write their exports, and where every handover is recorded. */
export function exportsDir(backupDir: string): string {
  return join(backupDir, 'exports');
}

export const HANDOVER_ACTIONS = {
  downloaded: 'tenant.export.downloaded',
  handedOver: 'tenant.export.handed_over',
  expired: 'tenant.export.expired',
} as const;

/** A terminated tenant's export waiting for the customer. Ids, sizes and dates only: no personal data. */
export interface PendingExport {
  id: string;
  tenant: { id: string; slug: string };
  file: string;
  sha256: string;
  bytes: number;
  createdAt: string;
  /** When it is deleted if no handover was confirmed before. */
  deleteBy: string;
}

export interface HandoverDeps {
  dir: string;
  keepDays: number;
  tenants: TenantService;
  changeLog: ChangeLogService;
  now?: () => Date;
}

/**
 * The return of a terminated tenant's data (DPA 10.1), and the end of our copy of it: the export waits in the
 * backup folder until an operator confirms the customer received it (by its SHA-256) or until `keepDays` have
 * passed, whichever comes first, and is then deleted. Each download and deletion is an entry in the platform
 * tenant's change log, about the terminated tenant. The archive is sealed under a key that was shown once and
 * stored nowhere, so once the file is deleted nothing we hold can bring its content back.
 */
export class ExportHandover {
  private readonly now: () => Date;

  constructor(private readonly deps: HandoverDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async register(tenant: { id: string; slug: string }, exported: TenantExport): Promise<PendingExport> {
    const createdAt = this.now();
    const pending: PendingExport = {
      id: `exp_${randomBytes(12).toString('base64url')}`,
      tenant,
      file: exported.file,
      sha256: exported.manifest.sha256,
      bytes: exported.manifest.bytes,
      createdAt: createdAt.toISOString(),
      deleteBy: new Date(createdAt.getTime() + this.deps.keepDays * DAY_MS).toISOString(),
    };
    await mkdir(this.deps.dir, { recursive: true, mode: 0o700 });
    const temporary = join(this.deps.dir, `.${pending.id}.tmp`);
    await writeFile(temporary, JSON.stringify(pending), { mode: 0o600 });
    await rename(temporary, this.recordOf(pending.id));
    return pending;
  }

  async list(): Promise<PendingExport[]> {
    const names = await readdir(this.deps.dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const pending = await Promise.all(names.filter((n) => n.endsWith('.handover.json')).map((n) => this.find(n.slice(0, -'.handover.json'.length))));
    return pending.filter((p): p is PendingExport => p !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<PendingExport> {
    const pending = await this.find(id);
    if (!pending) throw new NotFoundError('Export');
    return pending;
  }

  /** The archive as a stream, once the download is in the change log. */
  async download(id: string): Promise<{ pending: PendingExport; data: NodeJS.ReadableStream; filename: string }> {
    const pending = await this.get(id);
    await access(pending.file).catch(() => Promise.reject(new NotFoundError('Export archive')));
    await this.recorded(pending, HANDOVER_ACTIONS.downloaded, async () => undefined);
    return { pending, data: createReadStream(pending.file), filename: basename(pending.file) };
  }

  /** The customer has it, as the SHA-256 they computed of what they received shows: our copy goes. */
  async confirm(id: string, sha256: string): Promise<PendingExport> {
    const pending = await this.get(id);
    if (sha256.toLowerCase() !== pending.sha256) throw new ConflictError('The SHA-256 given is not the archive’s: the customer does not hold this export intact');
    await this.recorded(pending, HANDOVER_ACTIONS.handedOver, () => this.remove(pending));
    return pending;
  }

  /** Deletes every export whose handover period is over (the scheduled job). */
  async expire(): Promise<{ deleted: string[] }> {
    const now = this.now().getTime();
    const deleted: string[] = [];
    for (const pending of await this.list()) {
      if (Date.parse(pending.deleteBy) > now) continue;
      await this.recorded(pending, HANDOVER_ACTIONS.expired, () => this.remove(pending));
      deleted.push(pending.id);
    }
    return { deleted };
  }

  private async recorded(pending: PendingExport, action: string, apply: () => Promise<unknown>): Promise<void> {
    const platform = await ensurePlatformTenant(this.deps);
    const change = { action, subjectType: 'tenant', subjectId: pending.tenant.id, fields: ['export'], counts: { bytes: pending.bytes } };
    await this.deps.changeLog.record(platform._id, change, apply);
  }

  /** The archive and its manifest first, the record last: an interrupted removal is finished by the next run. */
  private async remove(pending: PendingExport): Promise<void> {
    await rm(pending.file, { force: true });
    await rm(manifestPath(pending.file), { force: true });
    await rm(this.recordOf(pending.id), { force: true });
  }

  private async find(id: string): Promise<PendingExport | undefined> {
    if (!/^exp_[\w-]+$/.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.recordOf(id), 'utf8')) as PendingExport;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private recordOf(id: string): string {
    return join(this.deps.dir, `${id}.handover.json`);
  }
}
