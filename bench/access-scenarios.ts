import type { Measured } from './measure.js';
import type { ScenarioDeps } from './scenarios.js';
import { loadTest, warmUp, type LoadOptions } from './http-load.js';
import { SimulatedLock } from '../test/access/simulated-lock.js';
import type { Services } from '../src/services.js';
import type { TenantDoc } from '../src/tenants/tenant.model.js';
import { runWithContext } from '../src/audit/request-context.js';

/** Events in one upload, as a lock that syncs its log in batches sends them. */
export const EVENT_BATCH = 100;

export interface BenchLock {
  token: string;
  /** Users the decisions ask about, each holding a grant for the lab door. */
  userIds: string[];
}

/**
 * A lock of the bench tenant, registered through the services with its own key pair and holding a token from
 * the tenant's token endpoint by private_key_jwt, as a lock back-end built from the README would.
 */
export async function benchLock(services: Services, tenant: TenantDoc, issuer: string): Promise<BenchLock> {
  const lock = await SimulatedLock.create();
  const created = await runWithContext({ actor: { type: 'job', id: 'bench-seed' } }, () =>
    services.locks.create(tenant._id, { name: 'Bench lock', doors: ['lab', 'main-entrance'], jwk: lock.publicJwk }),
  );
  lock.clientId = created.clientId;
  const users = await services.users.list(tenant, { limit: 50 });
  return { token: await lock.token(issuer, 'access:decide access:events'), userIds: users.items.map((u) => u.id) };
}

async function measured(deps: ScenarioDeps, options: Omit<LoadOptions, 'connections' | 'durationS'>): Promise<Measured> {
  const full = { ...options, connections: deps.load.connections, durationS: deps.load.durationS };
  await warmUp(full, deps.load.warmupS);
  return deps.meter.around('ours', () => loadTest(full));
}

/** Access decisions, each about the next user, each also written as an access event. */
export function decisions(deps: ScenarioDeps, issuer: string, lock: BenchLock): Promise<Measured> {
  let n = 0;
  return measured(deps, {
    name: 'access decision (ours)',
    url: `${issuer}/access/v1/decisions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${lock.token}` },
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ door: 'lab', subject: { user_id: lock.userIds[n++ % lock.userIds.length] } }) }),
  });
}

/** Uploads of EVENT_BATCH new events each; the note gives events per second. */
export async function eventUploads(deps: ScenarioDeps, issuer: string, lock: BenchLock): Promise<Measured> {
  const run = Date.now().toString(36);
  let batch = 0;
  const events = () => {
    const b = batch++;
    return Array.from({ length: EVENT_BATCH }, (_, i) => ({
      id: `${run}-${b}-${i}`,
      door: 'lab',
      subject: { user_id: lock.userIds[i % lock.userIds.length] },
      time: new Date().toISOString(),
      result: i % 10 === 0 ? 'denied' : 'opened',
      method: 'card',
    }));
  };
  const m = await measured(deps, {
    name: `access events, batches of ${EVENT_BATCH} (ours)`,
    url: `${issuer}/access/v1/events`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${lock.token}` },
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ events: events() }) }),
  });
  m.note = `${Math.round(m.perSecond * EVENT_BATCH)} events/s`;
  return m;
}
