// A criterion result as the gate's unit tests need it: a median with a ±1% interval, and optionally samples.
import type { CriterionResult } from '../../criterion/criterion';

const est = (x: number) => ({ estimate: x, lower: x * 0.99, upper: x * 1.01, unit: 'ns' as const });

/** `fastest` becomes the first (fastest) per-iteration sample; without it the run has no sample.json. */
export const criterionResult = (id: string, medianNs: number, fastest?: number): CriterionResult => ({
  id,
  title: id,
  directory: id,
  mean: est(medianNs),
  median: est(medianNs),
  ...(fastest !== undefined ? { perIteration: [fastest, fastest + 1] } : {}),
});
