import { z } from 'zod';
import { ConflictError } from '../../errors/http-errors.js';
import type { ExportHandover, PendingExport } from '../../privacy/termination-handover.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id } from '../schemas.js';

const ExportParams = z.object({ export: Id });
const Sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal digits');
export const PendingExportView = z.object({
  id: z.string(),
  tenant: z.object({ id: z.string(), slug: z.string() }),
  sha256: z.string(),
  bytes: z.number(),
  created_at: z.string(),
  delete_by: z.string().describe('Deleted then if no handover was confirmed before'),
});

export function pendingView(p: PendingExport): z.infer<typeof PendingExportView> {
  return { id: p.id, tenant: p.tenant, sha256: p.sha256, bytes: p.bytes, created_at: p.createdAt, delete_by: p.deleteBy };
}

function handoverOf(services: Pick<Services, 'exportHandover'>): ExportHandover {
  if (!services.exportHandover) throw new ConflictError('This deployment keeps no exports: it has no backup folder');
  return services.exportHandover;
}

/**
 * Terminated tenants' exports on their way to the customer (DPA 10.1): listed, downloaded, and deleted once
 * their receipt is confirmed, or by the scheduled job when TERMINATION_EXPORT_KEEP_DAYS have passed. Operators
 * only: the tenant, its admins and their tokens are gone with the termination.
 */
export function terminationExportRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/termination-exports',
      operationId: 'listTerminationExports',
      summary: 'Exports of terminated tenants waiting for their handover, oldest first',
      tag: 'tenants',
      access: { scope: 'platform' },
      responses: { 200: { description: 'The exports still held', schema: z.object({ items: z.array(PendingExportView) }) } },
      handler: async () => ({ body: { items: (await handoverOf(services).list()).map(pendingView) } }),
    }),
    defineRoute<z.infer<typeof ExportParams>>({
      method: 'get',
      path: '/termination-exports/{export}/archive',
      operationId: 'downloadTerminationExport',
      summary: "Download a terminated tenant's export, sealed under the key its termination showed once; recorded in the platform change log",
      tag: 'tenants',
      access: { scope: 'platform' },
      params: ExportParams,
      responses: { 200: { description: 'The archive', stream: ['application/octet-stream'] }, 404: { description: 'No such export, or already deleted' } },
      handler: async ({ params }) => {
        const { data, filename } = await handoverOf(services).download(params.export);
        return { headers: { 'cache-control': 'no-store' }, stream: { type: 'application/octet-stream', data, filename } };
      },
    }),
    defineRoute<z.infer<typeof ExportParams>, Record<string, never>, { sha256: string }>({
      method: 'post',
      path: '/termination-exports/{export}/handover',
      operationId: 'confirmTerminationExportHandover',
      summary: 'Confirm the customer received the export intact (its SHA-256): the archive is deleted and the deletion recorded',
      tag: 'tenants',
      access: { scope: 'platform' },
      params: ExportParams,
      body: z.object({ sha256: Sha256.describe('Of the file the customer received') }),
      responses: {
        200: { description: 'The export handed over and deleted', schema: z.object({ deleted: PendingExportView }) },
        404: { description: 'No such export, or already deleted' },
        409: { description: 'The SHA-256 is not the archive’s: nothing is deleted' },
      },
      handler: async ({ params, body }) => ({ body: { deleted: pendingView(await handoverOf(services).confirm(params.export, body.sha256)) } }),
    }),
  ];
}
