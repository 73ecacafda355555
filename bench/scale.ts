import type { Database } from '../src/db/database.js';
import type { Services } from '../src/services.js';
import type { TenantDoc } from '../src/tenants/tenant.model.js';
import type { Measured } from './measure.js';
import type { OidcTarget } from './oidc-flows.js';
import type { ScaleFigures, ScalePoint } from './scale-figures.js';
import { ScaleSeeder } from './scale-seed.js';
import * as s from './scenarios.js';

/** Each user leaves two oidc entries on average: 200,000 beside 100,000 users. */
const ENTRIES_PER_USER = 2;

export interface ScaleOptions {
  db: Database;
  services: Services;
  tenant: TenantDoc;
  deps: s.ScenarioDeps;
  ours: OidcTarget;
  /** The tenant's size for the first measurement, then for the second (1,000 and 100,000 users). */
  smallUsers: number;
  largeUsers: number;
  say: (line: string) => void;
  step: (scenario: Promise<Measured>) => Promise<Measured>;
  /** A page of the tenant's users through the admin API, as the console lists them, under the given name. */
  listUsers: (name: string) => Promise<Measured>;
}

/**
 * Sign-in, refresh, client credentials and a page of the admin list of users measured with the bench tenant at
 * `smallUsers`, then grown to `largeUsers` and measured again: a flow whose commands or database CPU per
 * operation grow with the data scans (or sorts) something it should look up.
 */
export async function measureScale(o: ScaleOptions): Promise<ScaleFigures> {
  const seeder = new ScaleSeeder(o.db, o.services, o.tenant, o.ours.clientId);
  const at = async (users: number): Promise<ScalePoint> => {
    const started = Date.now();
    await seeder.growTo(users, users * ENTRIES_PER_USER);
    const { users: userModel, oidcEntries } = o.db.models;
    const point: ScalePoint = {
      users: await userModel.countDocuments({ tenantId: o.tenant._id }),
      oidcEntries: await oidcEntries.countDocuments({ tenantId: o.tenant._id }),
      runs: {},
    };
    o.say(`bench tenant at ${point.users} users and ${point.oidcEntries} oidc entries (seeded in ${Math.round((Date.now() - started) / 1000)} s)`);
    const target = { ...o.ours, label: `ours, ${point.users.toLocaleString('en-US')} users` };
    point.runs['sign-in'] = await o.step(s.signIns(o.deps, target));
    point.runs.refresh = await o.step(s.refreshes(o.deps, target));
    point.runs['client credentials'] = await o.step(s.clientCredentialsLoad(o.deps, target));
    point.runs['list users'] = await o.step(o.listUsers(`admin API: list users (50), ${point.users.toLocaleString('en-US')} users`));
    return point;
  };
  const small = await at(o.smallUsers);
  const large = await at(o.largeUsers);
  return { small, large };
}
