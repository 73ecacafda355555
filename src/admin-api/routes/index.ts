import type { Config } from '../../config.js';
import type { Services } from '../../services.js';
import type { RouteSpec } from '../route-spec.js';
import { changeLogRoutes } from './change-log.routes.js';
import { tenantRoutes } from './tenants.routes.js';
import { userRoutes } from './users.routes.js';

/** Every admin route, in the order the OpenAPI document lists them. */
export function adminRoutes(services: Services, config: Pick<Config, 'publicUrl'>): RouteSpec[] {
  return [...tenantRoutes(services, config.publicUrl), ...userRoutes(services), ...changeLogRoutes(services)];
}
