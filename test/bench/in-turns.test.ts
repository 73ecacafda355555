import { inTurns, joinOutcomes, type Flow } from '../../bench/in-turns.js';
import { joinStretches, Meter } from '../../bench/measure.js';
import { CpuMeter } from '../../bench/process-cpu.js';

const meter = () => new Meter(new CpuMeter({ generator: process.pid }), {});

/** A flow that answers `perMs` iterations for each millisecond it is asked to run, and records what it was asked. */
function flow(name: string, perMs: number, calls: string[]): Flow {
  return {
    name,
    unit: 'req',
    run: async (durationMs) => {
      calls.push(`${name} ${durationMs}`);
      return { latenciesMs: Array.from({ length: durationMs * perMs }, (_, i) => i % 10), errors: name === 'b' ? 1 : 0, durationS: durationMs / 1000, firstError: name === 'b' ? 'refused' : undefined };
    },
  };
}

describe('flows measured in turns', () => {
  it('warms each flow up, then gives each a turn per round, the next round starting with the next flow', async () => {
    const calls: string[] = [];
    await inTurns(meter(), [flow('a', 1, calls), flow('b', 1, calls), flow('c', 1, calls)], { rounds: 3, durationS: 3, warmupS: 2 });
    expect(calls).toEqual(['a 2000', 'b 2000', 'c 2000', 'a 1000', 'b 1000', 'c 1000', 'b 1000', 'c 1000', 'a 1000', 'c 1000', 'a 1000', 'b 1000']);
  });

  it('tells each turn’s own figures as it ends', async () => {
    const told: string[] = [];
    await inTurns(meter(), [flow('a', 1, []), flow('b', 2, [])], {
      rounds: 2,
      durationS: 2,
      warmupS: 0,
      onTurn: (round, index, turn) => told.push(`${round} ${index} ${turn.name} ${turn.count} ${turn.perSecond}`),
    });
    expect(told).toEqual(['0 0 a 1000 1000', '0 1 b 2000 2000', '1 1 b 2000 2000', '1 0 a 1000 1000']);
  });

  it('adds up each flow’s turns, leaving the warm-up out: its count, errors and time, its rate over that time', async () => {
    const [a, b] = await inTurns(meter(), [flow('a', 2, []), flow('b', 3, [])], { rounds: 4, durationS: 2, warmupS: 1 });
    expect(a).toMatchObject({ name: 'a', count: 4000, errors: 0, durationS: 2, perSecond: 2000, p50Ms: 4, p99Ms: 9 });
    expect(b).toMatchObject({ name: 'b', count: 6000, errors: 4, durationS: 2, perSecond: 3000, firstError: 'refused' });
    expect(a!.attribution.cpuMsPerOp).toHaveProperty('generator');
  });

  it('joins two stretches: CPU and commands added up, the worse loop delay, the first one’s context', () => {
    const joined = joinStretches(
      { cpuS: { server: 1, database: 2 }, commands: { 'find users': { count: 10, ms: 5 } }, loopDelayP99Ms: 4, context: { oidcEntries: 100 } },
      { cpuS: { server: 0.5, other: 1 }, commands: { 'find users': { count: 2, ms: 1 }, 'update oidc_entries': { count: 3, ms: 2 } }, loopDelayP99Ms: 9, context: { oidcEntries: 120 } },
    );
    expect(joined).toEqual({
      cpuS: { server: 1.5, database: 2, other: 1 },
      commands: { 'find users': { count: 12, ms: 6 }, 'update oidc_entries': { count: 3, ms: 2 } },
      loopDelayP99Ms: 9,
      context: { oidcEntries: 100 },
    });
    expect(joinStretches({ cpuS: { server: 1 } }, { cpuS: { server: 2 } })).toEqual({ cpuS: { server: 3 } });
  });

  it('attributes joined stretches per operation, commands divided by the operations of every turn', () => {
    const stretch = joinStretches({ cpuS: { server: 0.2 }, commands: { 'find users': { count: 100, ms: 50 } }, loopDelayP99Ms: 3 }, { cpuS: { server: 0.3 }, commands: { 'find users': { count: 100, ms: 30 } }, loopDelayP99Ms: 2 });
    const attribution = meter().attribute('ours', { name: 'refresh', unit: 'req', perSecond: 50, p50Ms: 1, p99Ms: 2, count: 100, errors: 0, durationS: 2 }, stretch);
    expect(attribution.cpuMsPerOp).toEqual({ server: 5 });
    expect(attribution.cores).toEqual({ server: 0.25 });
    expect(attribution.db).toMatchObject({ perOp: { 'find users': 2 }, commandsPerOp: 2, waitMsPerOp: 0.8 });
    expect(attribution.serverLoopDelayP99Ms).toBe(3);
  });

  it('leaves out of each server’s CPU what it spends with nobody asking, at the rate measured while idle', async () => {
    // The instrument reads scripted CPU seconds: 2 ms of the server's while idle, none of the load generator's.
    const readings = [
      { server: 10, generator: 5 },
      { server: 10.002, generator: 5 },
    ];
    const cpu = { sample: () => readings.shift() ?? { server: 0, generator: 0 } } as unknown as CpuMeter;
    const meter = new Meter(cpu, {}, undefined, ['server']);
    await meter.measureIdle('ours', 0.2);
    expect(meter.idleCpuMsPerS().server).toBeCloseTo(10, 0);
    const result = { name: 'refresh', unit: 'req', perSecond: 10, p50Ms: 1, p99Ms: 2, count: 100, errors: 0, durationS: 10 };
    // 1 s of the server's CPU over 10 s, 0.1 s of it idle: 0.9 s for 100 refreshes. The generator is not a server.
    const { cpuMsPerOp } = meter.attribute(undefined, result, { cpuS: { server: 1, generator: 0.5 } });
    expect(cpuMsPerOp.server).toBeCloseTo(9, 0);
    expect(cpuMsPerOp.server).toBeLessThan(9.1);
    expect(cpuMsPerOp.generator).toBe(5);
    expect(meter.attribute(undefined, result, { cpuS: { server: 0.01 } }).cpuMsPerOp.server).toBe(0);
  });

  it('joins two runs of a flow: every latency, errors and time added up, the first error seen', () => {
    expect(joinOutcomes({ latenciesMs: [1, 2], errors: 0, durationS: 1 }, { latenciesMs: [3], errors: 2, durationS: 0.5, firstError: 'timeout' })).toEqual({
      latenciesMs: [1, 2, 3],
      errors: 2,
      durationS: 1.5,
      firstError: 'timeout',
    });
  });
});
