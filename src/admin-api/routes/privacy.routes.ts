import { z } from 'zod';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';

const UserParams = TenantParams.extend({ userId: Id });
/** Who and when; then one property per kind of data held (profile, roles, doors, sessions…), as the registry of subject data lists them. */
const SubjectExportView = z.looseObject({ subject_id: z.string(), tenant: z.string(), exported_at: z.string() });

/** Access and portability are requests of the person; whoever manages people answers them for the controller. */
const MANAGERS = ['tenant_admin', 'user_manager'] as const;

export const EXPORT_WARNING =
  'This export holds personal data. Hand it only to the data subject, or to whom the controller instructs; do not keep copies.';

export function privacyRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof UserParams>>({
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}/export',
      operationId: 'exportUser',
      summary:
        "Everything held about one user as JSON (access and portability): profile, roles, door permissions and their history, sessions, grants, second factors' metadata, change-log entries about them; never secrets. Recorded as user.exported",
      tag: 'privacy',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      responses: { 200: { description: 'The export, with `warnings`', schema: SubjectExportView, warns: true } },
      handler: async ({ tenant, params }) => {
        const body = await services.subjectExport.export(tenant, params.userId);
        return { body, warnings: [EXPORT_WARNING], headers: { 'cache-control': 'no-store' } };
      },
    }),
  ];
}
