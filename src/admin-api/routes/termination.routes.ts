import { join } from 'node:path';
import { z } from 'zod';
import { backupDirectory } from '../../backup/backup-dir.js';
import { registryPath } from '../../backup/registry-file.js';
import type { Config } from '../../config.js';
import type { TerminationReport } from '../../privacy/termination.service.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { TenantParams } from '../schemas.js';
import { PendingExportView, pendingView } from './termination-exports.routes.js';

const Counts = z.record(z.string(), z.number());
const TerminationView = z.object({
  tenant: z.object({ id: z.string(), slug: z.string() }),
  export: z
    .object({
      file: z.string(),
      key: z.string().describe('Opens the export; shown only in this answer and stored nowhere'),
      sha256: z.string(),
      bytes: z.number(),
      collections: Counts,
    })
    .optional(),
  handover: PendingExportView.optional().describe('Download it at /termination-exports/{id}/archive; deleted at delete_by, or when its receipt is confirmed'),
  deleted: Counts,
  key_destroyed: z.boolean(),
  registry_file_updated: z.boolean(),
});

function view(report: TerminationReport): z.infer<typeof TerminationView> {
  const { export: exported } = report;
  return {
    tenant: report.tenant,
    ...(exported
      ? { export: { file: exported.file, key: exported.key, sha256: exported.manifest.sha256, bytes: exported.manifest.bytes, collections: exported.manifest.collections } }
      : {}),
    ...(report.handover ? { handover: pendingView(report.handover) } : {}),
    deleted: report.deleted,
    key_destroyed: report.keyDestroyed,
    registry_file_updated: report.registryFileUpdated,
  };
}

/** Termination at the end of a contract (DPA 10.1): return of the data, then its destruction. */
export function terminationRoutes(services: Services, config: Pick<Config, 'backupDir'>): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'delete',
      path: '/tenants/{tenant}',
      operationId: 'terminateTenant',
      summary: "Terminate a tenant: export its data for the customer under a key shown once, then destroy all of it and its data key",
      tag: 'tenants',
      access: { scope: 'platform' },
      params: TenantParams,
      responses: { 200: { description: 'What was exported and destroyed; `warnings` when the answer holds the export key', schema: TerminationView, warns: true }, 409: { description: 'The platform tenant' } },
      handler: async ({ tenant }) => {
        const dir = backupDirectory(config);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const exportFile = join(dir, 'exports', `${tenant.slug}-${stamp}.idparch`);
        const report = await services.termination.terminate(tenant, { exportFile, registryFile: registryPath(dir) });
        return {
          body: view(report),
          headers: { 'cache-control': 'no-store' },
          warnings: report.export
            ? [
                'The export key is shown only in this answer: hand it to the customer with the file, by another channel.',
                ...(report.handover ? [`The export is deleted at ${report.handover.deleteBy}, or as soon as its receipt is confirmed.`] : []),
              ]
            : [],
        };
      },
    }),
  ];
}
