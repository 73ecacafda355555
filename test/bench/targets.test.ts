import type { Measured } from '../../bench/measure.js';
import { flatness } from '../../bench/scale-figures.js';
import { evaluateTargets, whereTheTimeGoes } from '../../bench/targets.js';

/** A measured run with just the figures a target reads. */
function run(perSecond: number, cpuMsPerOp: Record<string, number>, commandsPerOp?: number, perOp: Record<string, number> = {}): Measured {
  return {
    name: 'flow',
    unit: 'req',
    perSecond,
    p50Ms: 1,
    p99Ms: 1,
    count: 100,
    errors: 0,
    durationS: 1,
    attribution: {
      cores: {},
      cpuMsPerOp,
      ...(commandsPerOp === undefined ? {} : { db: { perOp, msPerOp: {}, commandsPerOp, waitMsPerOp: 0.5, inFlight: 0.1 } }),
    },
  };
}

const byName = (targets: ReturnType<typeof evaluateTargets>, part: string) => targets.find((t) => t.name.includes(part));

describe('bench targets', () => {
  it('judges sign-ins against 0.8 x bare oidc-provider, and refresh against 0.5 x', () => {
    const signIn = { ours: run(40, { server: 10 }, 20), bare: run(50, { baseline: 8 }) };
    const refresh = { ours: run(400, { server: 1 }, 5), bare: run(1000, { baseline: 1 }) };
    const met = evaluateTargets({ scenarios: [], signIn, refresh });
    expect(byName(met, 'whole sign-ins >= 0.8')).toMatchObject({ met: true });
    expect(byName(met, 'refresh >= 0.5')).toMatchObject({ met: false });
    const slower = evaluateTargets({ scenarios: [], signIn: { ...signIn, ours: run(39, { server: 10 }, 20) } });
    expect(byName(slower, 'whole sign-ins >= 0.8')).toMatchObject({ met: false });
  });

  it('sets a missed rate against the CPU per operation it leaves on the machine’s cores, beside what ours and the fair baseline spend', () => {
    const signIn = { ours: run(15, { server: 44, database: 60 }, 30), fair: run(14, { fairBaseline: 37, fairDatabase: 84 }, 29), bare: run(70, { baseline: 26 }) };
    const [missed] = evaluateTargets({ scenarios: [], signIn, cores: 2 }).filter((t) => t.name.startsWith('whole sign-ins >='));
    expect(missed!.met).toBe(false);
    expect(missed!.where).toMatch(/56\/s on 2 cores leaves 35\.7 ms of CPU per op .*ours 104 ms, oidc-provider \+ MongoDB adapter 121 ms \(server 37\)/);
    // Without the machine's cores, no budget is claimed.
    expect(evaluateTargets({ scenarios: [], signIn }).find((t) => t.name.startsWith('whole sign-ins >='))!.where).not.toMatch(/cores/);
  });

  it('counts commands per operation against each flow’s ceiling, and says where a missed one went', () => {
    const targets = evaluateTargets({
      scenarios: [],
      signIn: { ours: run(40, { server: 10 }, 30) },
      refresh: { ours: run(400, { server: 1, database: 2 }, 7, { 'find oidc_entries': 4, 'update oidc_entries': 3 }) },
      userinfo: run(900, { server: 1 }, 3),
      clientCredentials: { ours: run(2500, { server: 0.3 }, 0.2) },
    });
    expect(byName(targets, 'whole sign-in: <= 30')).toMatchObject({ met: true });
    expect(byName(targets, 'userinfo: <= 3')).toMatchObject({ met: true });
    expect(byName(targets, 'client credentials: <= 0.05')).toMatchObject({ met: false });
    const refresh = byName(targets, 'refresh: <= 6')!;
    expect(refresh.met).toBe(false);
    expect(refresh.where).toMatch(/database 2 ms, server 1 ms/);
    expect(refresh.where).toMatch(/find oidc_entries 4, update oidc_entries 3/);
  });

  it('compares server CPU with the fair baseline for sign-in and with bare oidc-provider for client credentials', () => {
    const targets = evaluateTargets({
      scenarios: [],
      signIn: { ours: run(40, { server: 12 }, 20), fair: run(40, { fairBaseline: 10 }, 12) },
      clientCredentials: { ours: run(2500, { server: 0.5 }, 0), bare: run(4000, { baseline: 0.2 }) },
    });
    expect(byName(targets, 'whole sign-in: server CPU')).toMatchObject({ met: true });
    expect(byName(targets, 'client credentials: server CPU')).toMatchObject({ met: false });
  });

  it('finds a flow flat when commands and database CPU grow at most 1.25 x with the data', () => {
    const small = {
      users: 1000,
      oidcEntries: 2000,
      runs: { refresh: run(900, { database: 1 }, 5), 'client credentials': run(3000, { database: 0.01 }, 0), 'list users': run(140, { database: 8 }, 4) },
    };
    const large = {
      users: 100_000,
      oidcEntries: 200_000,
      runs: { refresh: run(800, { database: 1.3 }, 5), 'client credentials': run(3000, { database: 0.02 }, 0), 'list users': run(2, { database: 740 }, 4) },
    };
    const rows = flatness({ small, large });
    expect(rows.map((r) => [r.flow, r.commandsRatio, r.dbCpuRatio])).toEqual([
      ['refresh', 1, 1.3],
      // Both under the noise floor: equal, not twice as costly.
      ['client credentials', 1, 1],
      ['list users', 1, 92.5],
    ]);
    const targets = evaluateTargets({ scenarios: [], scale: { small, large } });
    expect(byName(targets, 'flat with data: refresh')).toMatchObject({ met: false });
    expect(byName(targets, 'flat with data: client credentials')).toMatchObject({ met: true });
    expect(byName(targets, 'flat with data: list users')).toMatchObject({ met: false });
  });

  it('names our server and database by the time they spent, costliest first, not the idle baselines or the load generator', () => {
    expect(whereTheTimeGoes(run(1, { generator: 9, server: 1, database: 3, fairBaseline: 0.01, other: 5 }))).toBe('CPU per op: database 3 ms, server 1 ms');
  });
});
