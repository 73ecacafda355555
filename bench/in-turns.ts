import { joinStretches, type Measured, type Meter, type Stretch } from './measure.js';
import { summarize } from './stats.js';
import type { LoopOutcome } from './virtual-users.js';

/** A flow made ready against one server (its people and tokens there): each call runs it for that long. */
export interface Flow {
  name: string;
  /** What one iteration is: `sign-in`, `req`. */
  unit: string;
  /** The database probe of the server it loads, if it has one. */
  probe?: string;
  run(durationMs: number): Promise<LoopOutcome>;
}

export interface Turns {
  rounds: number;
  /** Measured time of each flow, over all its turns. */
  durationS: number;
  warmupS: number;
  /** Told each turn's own figures as it ends, so a run shows how much its turns differ. */
  onTurn?: (round: number, flow: number, turn: Measured) => void;
}

/**
 * Flows against several servers measured in turns: each is warmed up, then in each of `rounds` rounds every
 * flow runs for its share of `durationS`, and the next round starts with the next flow. A spell of other work
 * on the machine (the host, a neighbour) then falls on every server alike, not on whichever ran at the time,
 * so the ratios between them hold from one run to the next. Each flow's figures are its turns added up.
 */
export async function inTurns(meter: Meter, flows: readonly Flow[], turns: Turns): Promise<Measured[]> {
  for (const flow of flows) await flow.run(turns.warmupS * 1000);
  const share = (turns.durationS * 1000) / turns.rounds;
  const sums: { outcome?: LoopOutcome; stretch?: Stretch }[] = flows.map(() => ({}));
  for (let round = 0; round < turns.rounds; round++) {
    for (let k = 0; k < flows.length; k++) {
      const i = (round + k) % flows.length;
      const flow = flows[i]!;
      const sum = sums[i]!;
      let outcome!: LoopOutcome;
      const { result, stretch } = await meter.stretch(flow.probe, async () => summarized(flow, (outcome = await flow.run(share))));
      turns.onTurn?.(round, i, { ...result, attribution: meter.attribute(flow.probe, result, stretch) });
      sum.outcome = sum.outcome ? joinOutcomes(sum.outcome, outcome) : outcome;
      sum.stretch = sum.stretch ? joinStretches(sum.stretch, stretch) : stretch;
    }
  }
  return flows.map((flow, i) => {
    const { outcome, stretch } = sums[i] as Required<(typeof sums)[number]>;
    const result = summarized(flow, outcome);
    return { ...result, attribution: meter.attribute(flow.probe, result, stretch) };
  });
}

function summarized(flow: Flow, outcome: LoopOutcome) {
  return { ...summarize(flow.name, flow.unit, outcome.latenciesMs, outcome.errors, outcome.durationS), firstError: outcome.firstError };
}

/** Two runs of one flow as one: every latency, the errors and the time added up, the first error seen. */
export function joinOutcomes(a: LoopOutcome, b: LoopOutcome): LoopOutcome {
  return {
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs],
    errors: a.errors + b.errors,
    durationS: a.durationS + b.durationS,
    firstError: a.firstError ?? b.firstError,
  };
}
