import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n/en';
import { AccessEventsPage } from '../pages/access-events-page';
import { AppsPage } from '../pages/apps-page';
import { ChangeLogPage } from '../pages/change-log-page';
import { DirectoryPage } from '../pages/directory-page';
import { DoorAccessPage } from '../pages/door-access-page';
import { DoorsPage } from '../pages/doors-page';
import { HomePage } from '../pages/home-page';
import { InvitationsPage } from '../pages/invitations-page';
import { KeysPage } from '../pages/keys-page';
import { LocksPage } from '../pages/locks-page';
import { ResourceServersPage } from '../pages/resource-servers-page';
import { RolesPage } from '../pages/roles-page';
import { SettingsPage } from '../pages/settings-page';
import { TenantsPage } from '../pages/tenants-page';
import { UsersPage } from '../pages/users-page';
import { WebhooksPage } from '../pages/webhooks-page';

/** The roles that open parts of the admin API (src/admin-api/routes/*.ts `access`), and the operators' role. */
export type AdminRole = 'tenant_admin' | 'user_manager' | 'auditor' | 'platform_operator';
export const ADMIN_ROLES: readonly AdminRole[] = ['tenant_admin', 'user_manager', 'auditor', 'platform_operator'];

export interface PageRoute {
  /** Below the console's root, no leading slash: '' is the overview, 'roles' is /t/<slug>/console/roles. */
  path: string;
  /** Its name in the navigation and its heading's key. */
  title: MessageKey;
  /**
   * Who sees it in the navigation: the roles of the API routes the page calls (their `access`). Only for
   * display: the API decides, and answers 403 to anyone else whatever the console shows.
   */
  roles: readonly AdminRole[];
  /** Operator pages exist only in the platform tenant's console. */
  platformOnly?: boolean;
  component: ComponentType;
}

/** Every page of the console. Adding a page: a file in pages/, an entry here, its keys in the catalogues. */
export const ROUTES: readonly PageRoute[] = [
  { path: '', title: 'nav.home', roles: ADMIN_ROLES, component: HomePage },
  { path: 'roles', title: 'nav.roles', roles: ['tenant_admin', 'user_manager'], component: RolesPage },
  // Users and invitations.
  { path: 'users', title: 'nav.users', roles: ['tenant_admin', 'user_manager'], component: UsersPage },
  { path: 'invitations', title: 'nav.invitations', roles: ['tenant_admin', 'user_manager'], component: InvitationsPage },

  // Doors, door access and the locks at them.
  { path: 'doors', title: 'nav.doors', roles: ['tenant_admin', 'user_manager'], component: DoorsPage },
  { path: 'door-access', title: 'nav.doorAccess', roles: ['tenant_admin', 'user_manager'], component: DoorAccessPage },
  { path: 'locks', title: 'nav.locks', roles: ['tenant_admin', 'user_manager'], component: LocksPage },
  // Who came through: people's movements, so admins and auditors read it, and each read is in the change log.
  { path: 'access-events', title: 'nav.accessEvents', roles: ['tenant_admin', 'auditor'], component: AccessEventsPage },

  // Apps, resource servers, change log, settings, signing keys, webhooks.
  { path: 'apps', title: 'nav.apps', roles: ['tenant_admin'], component: AppsPage },
  // Sign-in with the company's identity provider and SCIM provisioning from its HR directory.
  { path: 'directory', title: 'nav.directory', roles: ['tenant_admin'], component: DirectoryPage },
  { path: 'change-log', title: 'nav.changeLog', roles: ['tenant_admin', 'auditor'], component: ChangeLogPage },
  { path: 'keys', title: 'nav.keys', roles: ['tenant_admin'], component: KeysPage },
  { path: 'resource-servers', title: 'nav.resources', roles: ['tenant_admin'], component: ResourceServersPage },
  { path: 'settings', title: 'nav.settings', roles: ['tenant_admin'], component: SettingsPage },
  { path: 'webhooks', title: 'nav.webhooks', roles: ['tenant_admin'], component: WebhooksPage },

  // Operators. They rotate any tenant's signing keys, the platform's included, from the tenants' rows; the
  // platform's own change log is its tenant_admins' and auditors' general Change log page.
  { path: 'tenants', title: 'nav.tenants', roles: ['platform_operator'], platformOnly: true, component: TenantsPage },
];

const PLATFORM_TENANT = 'platform';

/** The pages a person with these roles, in this tenant, is shown. */
export function visibleRoutes(roles: readonly string[], slug: string): PageRoute[] {
  return ROUTES.filter((r) => (!r.platformOnly || slug === PLATFORM_TENANT) && r.roles.some((role) => roles.includes(role)));
}

export function hasAdminRole(roles: readonly string[]): boolean {
  return ADMIN_ROLES.some((role) => roles.includes(role));
}
