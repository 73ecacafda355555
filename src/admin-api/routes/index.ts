import type { Config } from '../../config.js';
import type { Services } from '../../services.js';
import type { RouteSpec } from '../route-spec.js';
import { accessEventRoutes } from './access-events.routes.js';
import { changeLogRoutes } from './change-log.routes.js';
import { clientRoutes } from './clients.routes.js';
import { credentialRoutes } from './credentials.routes.js';
import { doorPermissionRoutes } from './door-permissions.routes.js';
import { doorRoutes } from './doors.routes.js';
import { invitationRoutes } from './invitations.routes.js';
import { keyRoutes } from './keys.routes.js';
import { lockRoutes } from './locks.routes.js';
import { mfaRoutes } from './mfa.routes.js';
import { privacyRoutes } from './privacy.routes.js';
import { resourceServerRoutes } from './resource-servers.routes.js';
import { roleRoutes } from './roles.routes.js';
import { sessionRoutes } from './sessions.routes.js';
import { tenantAdminRoutes } from './tenant-admins.routes.js';
import { tenantSettingsRoutes } from './tenant-settings.routes.js';
import { tenantRoutes } from './tenants.routes.js';
import { terminationExportRoutes } from './termination-exports.routes.js';
import { terminationRoutes } from './termination.routes.js';
import { upstreamIdpRoutes } from './upstream-idps.routes.js';
import { userDeviceRoutes } from './user-devices.routes.js';
import { userRoutes } from './users.routes.js';
import { webhookRoutes } from './webhooks.routes.js';

/** Every admin route, in the order the OpenAPI document lists them. */
export function adminRoutes(services: Services, config: Pick<Config, 'publicUrl' | 'backupDir'>): RouteSpec[] {
  return [...tenantRoutes(services, config.publicUrl), ...tenantAdminRoutes(services), ...tenantSettingsRoutes(services, config.publicUrl), ...terminationRoutes(services, config), ...terminationExportRoutes(services), ...userRoutes(services), ...credentialRoutes(services), ...sessionRoutes(services), ...userDeviceRoutes(services), ...invitationRoutes(services), ...mfaRoutes(services), ...privacyRoutes(services), ...roleRoutes(services), ...doorRoutes(services), ...doorPermissionRoutes(services), ...lockRoutes(services), ...accessEventRoutes(services), ...changeLogRoutes(services), ...clientRoutes(services), ...resourceServerRoutes(services, config.publicUrl), ...keyRoutes(services), ...webhookRoutes(services), ...upstreamIdpRoutes(services, config.publicUrl)];
}
