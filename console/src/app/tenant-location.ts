/**
 * Where this console runs, read from the address it was loaded at: `/t/<slug>/console/...` on the deployment's
 * origin. The same build serves every tenant, so nothing tenant-specific is built in.
 */
export interface TenantLocation {
  slug: string;
  /** The tenant's OIDC issuer, `<origin>/t/<slug>`. */
  issuer: string;
  /** The console's own root, `/t/<slug>/console/`; page paths are relative to it. */
  basePath: string;
  /** The admin API's audience (resource indicator) and its base URL. */
  adminAudience: string;
  apiBaseUrl: string;
}

const CONSOLE_PATH = /^\/t\/([^/]+)\/console(?:\/|$)/;

export function tenantLocation(location: Pick<Location, 'origin' | 'pathname'> = window.location): TenantLocation {
  const match = CONSOLE_PATH.exec(location.pathname);
  if (!match?.[1]) throw new Error(`The console is served below /t/<tenant>/console/, not at ${location.pathname}`);
  const slug = decodeURIComponent(match[1]);
  return {
    slug,
    issuer: `${location.origin}/t/${match[1]}`,
    basePath: `/t/${match[1]}/console/`,
    adminAudience: `${location.origin}/admin/api`,
    apiBaseUrl: `${location.origin}/admin/api/v1`,
  };
}
