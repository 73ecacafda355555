import { commandsBetween, dbFigures } from '../../bench/measure.js';
import { readForm } from '../../bench/oidc-flows.js';
import { resultFileName } from '../../bench/report.js';
import { formatNumber, formatTable, median, percentile, summarize } from '../../bench/stats.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
const shuffled = [...oneToHundred].sort((a, b) => ((a * 37) % 101) - ((b * 37) % 101));

describe('bench figures', () => {
  it('takes percentiles by nearest rank, whatever the order of the samples', () => {
    expect(percentile(shuffled, 50)).toBe(50);
    expect(percentile(shuffled, 99)).toBe(99);
    expect(percentile(shuffled, 100)).toBe(100);
    expect(percentile(shuffled, 0)).toBe(1);
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('has no percentile of nothing, rather than a made-up zero', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('leaves the samples it is given in their order', () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('counts successes per second of the measured time, errors apart', () => {
    const result = summarize('refresh', 'req', oneToHundred, 4, 2);
    expect(result).toMatchObject({ perSecond: 50, count: 100, errors: 4, p50Ms: 50, p99Ms: 99 });
  });

  it('formats a Markdown table with the figures right-aligned under their headers', () => {
    const table = formatTable(['scenario', 'per second'], [['discovery', '1,234'], ['JWKS', '9']]).split('\n');
    expect(table).toHaveLength(4);
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
    expect(table[1]).toMatch(/^\|:-+\|-+:\|$/);
    expect(table[3]!.endsWith('         9 |')).toBe(true);
  });

  it('rounds large figures to integers with separators and keeps three digits of small ones', () => {
    expect(formatNumber(2345.6)).toBe('2,346');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(Number.NaN)).toBe('–');
  });

  it('attributes database commands and their waiting time to each operation', () => {
    const before = { commands: { 'find users': { count: 10, ms: 5 } }, cpuS: 0, elu: { idle: 0, active: 0 }, loopDelayP99Ms: 0 };
    const after = {
      ...before,
      commands: { 'find users': { count: 30, ms: 25 }, 'update oidc_entries': { count: 10, ms: 40 } },
    };
    const figures = dbFigures(commandsBetween(before, after), 10, 2);
    expect(figures.perOp).toEqual({ 'find users': 2, 'update oidc_entries': 1 });
    expect(figures.msPerOp).toEqual({ 'find users': 2, 'update oidc_entries': 4 });
    expect(figures.commandsPerOp).toBe(3);
    expect(figures.waitMsPerOp).toBe(6);
    expect(figures.inFlight).toBe(0.03);
  });

  it('leaves out the commands a server sends on its own, at its idle rate over the run, and says how many', () => {
    const before = { commands: { 'find users': { count: 10, ms: 5 }, 'find webhook_outbox': { count: 100, ms: 10 } }, cpuS: 0, elu: { idle: 0, active: 0 }, loopDelayP99Ms: 0 };
    const after = { ...before, commands: { 'find users': { count: 30, ms: 25 }, 'find webhook_outbox': { count: 104, ms: 12 } } };
    // Polled twice a second while idle: 4 polls in the 2 s run are the poller's, not the operations'.
    const figures = dbFigures(commandsBetween(before, after), 10, 2, { 'find webhook_outbox': 2 });
    expect(figures.perOp).toEqual({ 'find users': 2 });
    expect(figures.commandsPerOp).toBe(2);
    expect(figures.background).toBe(4);
    // More than the idle rate is the operations' own (a poll woken by a job they queued).
    expect(dbFigures(commandsBetween(before, { ...after, commands: { ...after.commands, 'find webhook_outbox': { count: 110, ms: 14 } } }), 10, 2, { 'find webhook_outbox': 2 }).perOp).toEqual({
      'find users': 2,
      'find webhook_outbox': 0.6,
    });
  });

  it('submits a form as a browser would: its action and its hidden inputs, entities decoded', () => {
    const html = `<form method="post" action="/t/a/interaction/u1/abort"><input type="hidden" name="csrf" value="no"></form>
      <form method="post" action="/t/a/interaction/u1/login?x=1&amp;y=2"><input type="hidden" name="csrf" value="a&amp;b">
      <input name="email" type="email"></form>`;
    expect(readForm(html, '/login')).toEqual({ action: '/t/a/interaction/u1/login?x=1&y=2', hidden: { csrf: 'a&b' } });
    expect(() => readForm(html, '/confirm')).toThrow(/\/confirm/);
  });

  it('names result files by date and machine so runs on other machines do not overwrite each other', () => {
    const machine = { cores: 2, cpu: 'AMD EPYC 7B13 (64-Core)', memoryGb: 24, node: 'v20', database: 'ferretdb' };
    expect(resultFileName('2026-11-23T18:00:00.000Z', machine)).toBe('2026-11-23-2c-amd-epyc-7b13.json');
  });
});
