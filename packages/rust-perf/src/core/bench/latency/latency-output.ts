// The latency-program output contract: percentiles read from what the program prints (a table or
// key=value pairs, units in the label or after the number) and from HdrHistogram V2 files it writes.
// Pure; the executor runs the program and hands its stdout and the decoded histograms in.

/** Statistics a latency program reports, in the order the summary lists them. */
export const LATENCY_STATS = ['p50', 'p90', 'p99', 'p99.9', 'p99.99', 'min', 'max', 'mean'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];

/** One run's numbers in nanoseconds. */
export type LatencyValues = Partial<Record<LatencyStat, number>>;

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, sec: 1e9, secs: 1e9 };
const UNIT = '(ns|us|µs|μs|ms|secs|sec|s)';

// label, then up to 30 characters that are neither digits nor a separator (`(ns)`, ` latency`, spaces),
// then `:` or `=`, the number (1,234 or 1_234 or 7.2), and a unit right after it.
const ENTRY = new RegExp(
  `(?<![\\w.])(p\\d{1,2}(?:\\.\\d+)?|min|max|mean|avg|average|median)(?:_${UNIT})?(?![\\w.])([^:=\\n\\d]{0,30}?)[:=]\\s*([0-9][0-9_,]*(?:\\.[0-9]+)?)(?:\\s*${UNIT}(?![\\w]))?`,
  'gi',
);

function normalizeLabel(raw: string): LatencyStat | undefined {
  const l = raw.toLowerCase();
  if (l === 'median') return 'p50';
  if (l === 'avg' || l === 'average') return 'mean';
  return (LATENCY_STATS as readonly string[]).includes(l) ? (l as LatencyStat) : undefined;
}

export interface ParsedLatencyOutput {
  values: LatencyValues;
  /** Paths the output says a histogram was written to (`… wrote target/bench-hdr/x.hgrm`), as printed. */
  hgrmPaths: string[];
  notes: string[];
}

/** Reads every recognizable statistic of one run's stdout (and stderr, where programs announce files). */
export function parseLatencyOutput(text: string): ParsedLatencyOutput {
  const values: LatencyValues = {};
  const notes: string[] = [];
  const repeated = new Set<string>();
  let unitless = false;
  for (const line of text.split(/\r?\n/)) {
    for (const m of line.matchAll(ENTRY)) {
      const label = normalizeLabel(m[1]);
      if (!label) continue;
      const between = m[3] ?? '';
      const labelUnit = m[2] ?? /\(\s*(ns|us|µs|μs|ms|s)\s*\)/i.exec(between)?.[1];
      const unit = m[5] ?? labelUnit;
      const number = Number(m[4].replace(/[_,]/g, ''));
      if (!Number.isFinite(number)) continue;
      if (!unit) unitless = true;
      const ns = number * (unit ? UNIT_NS[unit.toLowerCase()] ?? UNIT_NS[unit] : 1);
      if (values[label] !== undefined) {
        repeated.add(label);
        continue;
      }
      values[label] = ns;
    }
  }
  if (unitless) notes.push('some numbers had no unit (in the label, as `(ns)`, or after the number): they were read as nanoseconds');
  if (repeated.size) notes.push(`printed ${[...repeated].join(', ')} more than once: the first of each is used (one latency program per bench target reads best)`);
  const hgrmPaths = [...new Set([...text.matchAll(/(?:^|[\s'"`(=])([^\s'"`()=]+\.hgrm)\b/gm)].map((m) => m[1]))];
  return { values, hgrmPaths, notes };
}

/** The statistics an HdrHistogram yields, its values read as nanoseconds (what latency programs record). */
export interface HistogramLike {
  getValueAtPercentile(percentile: number): number;
  readonly minNonZeroValue: number;
  readonly maxValue: number;
  readonly mean: number;
  readonly totalCount: number;
}

export function histogramValues(h: HistogramLike): LatencyValues {
  if (h.totalCount === 0) return {};
  return {
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    'p99.9': h.getValueAtPercentile(99.9),
    'p99.99': h.getValueAtPercentile(99.99),
    min: h.minNonZeroValue,
    max: h.maxValue,
    mean: h.mean,
  };
}

/** What the program printed wins (it names its unit); a histogram fills in the statistics it did not print. */
export function mergeValues(printed: LatencyValues, histogram: LatencyValues | undefined): LatencyValues {
  return { ...(histogram ?? {}), ...printed };
}

export const hasValues = (v: LatencyValues): boolean => Object.keys(v).length > 0;
