import type { Measured } from './measure.js';

/** The flows whose database cost must not grow with the data a tenant holds (a page of the admin list of users too). */
export const SCALE_FLOWS = ['sign-in', 'refresh', 'client credentials', 'list users'] as const;
export type ScaleFlow = (typeof SCALE_FLOWS)[number];

/** One tenant's size when the flows were measured, and what they cost there. */
export interface ScalePoint {
  users: number;
  oidcEntries: number;
  runs: Partial<Record<ScaleFlow, Measured>>;
}

export interface ScaleFigures {
  small: ScalePoint;
  large: ScalePoint;
}

export interface Flatness {
  flow: ScaleFlow;
  commandsRatio: number;
  dbCpuRatio: number;
  large: Measured;
}

/**
 * Below these a figure is noise, not a cost (client credentials send about no commands, and the database then
 * burns a few microseconds per request on housekeeping): two figures both under the floor count as equal.
 */
const FLOOR = { commands: 0.05, dbCpuMs: 0.05 };

function ratio(large: number, small: number, floor: number): number {
  if (!Number.isFinite(large) || !Number.isFinite(small)) return Number.NaN;
  if (large <= floor && small <= floor) return 1;
  return large / Math.max(small, floor);
}

/** For each flow measured at both sizes: how many times the commands and the database CPU per operation grew. */
export function flatness(scale: ScaleFigures, dbProcess = 'database'): Flatness[] {
  const out: Flatness[] = [];
  for (const flow of SCALE_FLOWS) {
    const small = scale.small.runs[flow];
    const large = scale.large.runs[flow];
    if (!small || !large) continue;
    out.push({
      flow,
      commandsRatio: ratio(large.attribution.db?.commandsPerOp ?? Number.NaN, small.attribution.db?.commandsPerOp ?? Number.NaN, FLOOR.commands),
      dbCpuRatio: ratio(large.attribution.cpuMsPerOp[dbProcess] ?? Number.NaN, small.attribution.cpuMsPerOp[dbProcess] ?? Number.NaN, FLOOR.dbCpuMs),
      large,
    });
  }
  return out;
}
