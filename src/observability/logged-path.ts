/**
 * The paths of our emailed links carry the link's secret (`/t/<slug>/invitations/<token>`, `…/account/reset/
 * <token>`, `…/account/verify/<token>`): whoever reads the log could use a link not yet used. Logs keep the
 * path with the secret replaced.
 */
const LINK_PATH = /^(\/t\/[^/]+\/(?:invitations|account\/reset|account\/verify)\/)[^/]+/;

export function loggedPath(path: string): string {
  return path.replace(LINK_PATH, '$1[token]');
}
