import { compare, renderComparisons } from '../../bench/comparison.js';
import type { Measured } from '../../bench/measure.js';

function run(perSecond: number, cpuMsPerOp: Record<string, number>, commandsPerOp?: number): Measured {
  return {
    name: 'flow',
    unit: 'req',
    perSecond,
    p50Ms: 1,
    p99Ms: 1,
    count: 100,
    errors: 0,
    durationS: 1,
    attribution: { cores: {}, cpuMsPerOp, ...(commandsPerOp === undefined ? {} : { db: { perOp: {}, msPerOp: {}, commandsPerOp, waitMsPerOp: 0, inFlight: 0 } }) },
  };
}

describe('bench comparison with both baselines', () => {
  it('puts ours over each baseline, reading each side’s own processes', () => {
    const row = compare('refresh', {
      ours: run(300, { server: 6, database: 4, fairBaseline: 0.2 }, 8),
      fair: run(600, { fairBaseline: 3, fairDatabase: 2, server: 0.1 }, 5),
      bare: run(1200, { baseline: 1.5 }),
    });
    expect(row.vsFair).toEqual({ rate: 0.5, serverCpu: 2, commands: 1.6 });
    expect(row.vsBare).toEqual({ rate: 0.25, serverCpu: 4 });
    expect(row.dbCpuMsPerOp).toEqual({ ours: 4, fair: 2 });
  });

  it('leaves out the ratios to a baseline that was not run', () => {
    const row = compare('client credentials', { ours: run(2000, { server: 0.5 }, 0) });
    expect(row.vsFair).toBeUndefined();
    expect(row.vsBare).toBeUndefined();
    expect(renderComparisons([row])).toMatch(/\| client credentials \| +2,000 \/ - \/ - \|/);
  });
});
