import { performance } from 'node:perf_hooks';
import type { Services } from '../src/services.js';
import { createTenants } from './seed.js';
import type { Measured, Meter } from './measure.js';
import { median, percentile, summarize } from './stats.js';
import type { HttpClient } from './user-agent.js';

export interface TenantFigures {
  /** The cold builds as a scenario: builds per second one at a time, cold-minus-warm ms, where the time went. */
  builds: Measured;
  created: number;
  createMsPerTenant: number;
  /** First discovery request of a tenant (pool miss: tenant read, keys read and unwrapped, provider built) minus a warm one. */
  coldBuildMs: { median: number; p99: number; samples: number };
  warmDiscoveryMs: number;
  activeTenants: number;
  /** `atEnd`: the same server once every other scenario of the run has loaded it. */
  rssMb: { before: number; after: number; perTenantKb: number; atEnd?: number };
  heapUsedMb: number;
}

/** Reads a gauge from the server's Prometheus metrics (prom-client's default process metrics). */
export async function metric(http: HttpClient, baseUrl: string, name: string): Promise<number> {
  const reply = await http.send(`${baseUrl}/metrics`);
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(reply.body);
  if (!match) throw new Error(`metric ${name} not found`);
  return Number(match[1]);
}

async function timed(http: HttpClient, url: string): Promise<number> {
  const t0 = performance.now();
  const reply = await http.send(url);
  if (reply.status !== 200) throw new Error(`${url} answered ${reply.status}`);
  return performance.now() - t0;
}

/**
 * `count` new tenants on top of the bench tenant that is already active, each brought up by one discovery
 * request, one tenant at a time so each build is timed alone; then the server's memory with all of them built.
 */
export async function tenantFigures(
  http: HttpClient,
  services: Services,
  baseUrl: string,
  count: number,
  alreadyActive: number,
  meter: Meter,
  say: (line: string) => void,
): Promise<TenantFigures> {
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const rssBefore = await metric(http, baseUrl, 'process_resident_memory_bytes');
  const { slugs, msPerTenant } = await createTenants(services, count, 4, (done) => say(`${done} tenants created`));
  const cold: number[] = [];
  const warm: number[] = [];
  const builds = await meter.around('ours', async () => {
    const t0 = performance.now();
    for (const [i, slug] of slugs.entries()) {
      if (i > 0 && i % 250 === 0) say(`${i} providers built`);
      const url = `${baseUrl}/t/${slug}/.well-known/openid-configuration`;
      const first = await timed(http, url);
      const second = await timed(http, url);
      cold.push(first - second);
      warm.push(second);
    }
    return summarize('tenant provider cold build (ms: first minus warm discovery)', 'build', cold, 0, (performance.now() - t0) / 1000);
  });
  const rssAfter = await metric(http, baseUrl, 'process_resident_memory_bytes');
  return {
    builds,
    created: count,
    createMsPerTenant: Math.round(msPerTenant),
    coldBuildMs: { median: round(median(cold)), p99: round(percentile(cold, 99)), samples: cold.length },
    warmDiscoveryMs: round(median(warm)),
    activeTenants: alreadyActive + count,
    rssMb: { before: mb(rssBefore), after: mb(rssAfter), perTenantKb: Math.round((rssAfter - rssBefore) / 1024 / count) },
    heapUsedMb: mb(await metric(http, baseUrl, 'nodejs_heap_size_used_bytes')),
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
