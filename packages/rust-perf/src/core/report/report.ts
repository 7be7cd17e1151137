// The measured optimization report: what each build configuration buys on the project's own
// workload. Pure: the executor measures, this module summarizes and renders (JSON, markdown, SVG).
import { comparableBuild } from './plan';
import { renderMemorySection } from './memory';
import { heapBytes, renderHeapProfile } from './heap';
import { isCounted, type ConfigResult, type CountedColumns, type CountedRuns, type Counting, type Report } from './model';
import { countChange, countSpread, describeChange, describeRepeatability, describeSpread, judgeRepeats, type Repeatability } from '../count/repeat';

// The model, the spread and heapBytes stay importable from here, where perf-report's callers find them.
export * from './model';
export { spread, type Spread } from '../stats/spread';
export { heapBytes } from './heap';

/** The report's repeatability from each counted binary's instruction runs (a configuration sharing another's binary is not counted twice). */
export function reportRepeatability(configs: readonly ConfigResult[]): Repeatability | undefined {
  const byBinary = configs.flatMap((c) => (isCounted(c.counted) && !c.counted.sameBinaryAs ? [{ name: c.name, instructions: c.counted.runs?.instructions ?? [c.counted.instructions] }] : []));
  return byBinary.length ? judgeRepeats(byBinary) : undefined;
}

/** `processed 2000000 msgs in 1.234 s: 1620000 msgs/s` → { value: 1620000, unit: 'msgs/s' } (the last rate on the output). */
export function parseThroughput(output: string): { value: number; unit: string } | undefined {
  const matches = [...output.matchAll(/([0-9][0-9_,.]*(?:e[+-]?\d+)?)\s*([A-Za-z]+\/s)\b/g)];
  const last = matches[matches.length - 1];
  if (!last) return undefined;
  const value = Number(last[1].replace(/[_,]/g, ''));
  return Number.isFinite(value) ? { value, unit: last[2] } : undefined;
}

/** Counts instructions that use ymm / zmm registers in `objdump -d` output. */
export function countVectorInstructions(disassembly: string): { ymm: number; zmm: number } {
  let ymm = 0;
  let zmm = 0;
  for (const line of disassembly.split('\n')) {
    if (!line.includes('\t')) continue;
    if (line.includes('%zmm')) zmm++;
    else if (line.includes('%ymm')) ymm++;
  }
  return { ymm, zmm };
}

function change(value: number | null, base: number | null): string {
  if (value === null || base === null) return 'n/a';
  const pct = ((value - base) / base) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

function seconds(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(3)} s`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** 1,314,411,604 → "1.314 G". */
export function count(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(3)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function countedRows(r: Report): string[] {
  const base = r.configs.find((c) => c.name === r.baseline);
  const baseCounted = base && isCounted(base.counted) ? base.counted : undefined;
  const repeat = r.counting?.repeatability;
  const runsOf = (k: CountedColumns, field: keyof CountedRuns) => k.runs?.[field] ?? [k[field]];
  // A change is shown only as the repeatability allows it: a verdict, within the runs' spread, or no verdict.
  const repeated = (k: CountedColumns, field: keyof CountedRuns) => {
    const v = countSpread(runsOf(k, field));
    if (k === baseCounted) return `${count(v.median)} (baseline)`;
    if (!baseCounted || !repeat) return count(v.median);
    return `${count(v.median)} ${describeChange(countChange(v, countSpread(runsOf(baseCounted, field)), repeat))}`;
  };
  const once = (v: number | undefined, b: number | undefined, fmt: (n: number) => string) =>
    v === undefined ? '—' : `${fmt(v)}${b !== undefined ? (repeat?.fixedWork ? ` (${change(v, b)})` : ' (no verdict)') : ''}`;
  return r.configs.map((c) => {
    if (!c.counted) return `| ${c.name} | not counted | | | | | | |`;
    if (!isCounted(c.counted)) return `| ${c.name} | not counted: ${cell(c.counted.notCounted)} | | | | | | |`;
    const k = c.counted;
    const b = baseCounted;
    const name = k.sameBinaryAs ? `${c.name} (counted binary = ${k.sameBinaryAs}'s)` : c.name;
    return `| ${name} | ${repeated(k, 'instructions')} | ${describeSpread(countSpread(runsOf(k, 'instructions')))} | ${repeated(k, 'estimatedCycles')} | ${repeated(k, 'branchMispredicts')} | ${repeated(k, 'llMisses')} | ${once(k.allocations, b?.allocations, count)} | ${once(k.peakHeapBytes, b?.peakHeapBytes, heapBytes)} |`;
  });
}

/** The counted section's heading and first paragraph: how the counts were made and what they can promise. */
function countedIntro(r: Report, counting: Counting): string[] {
  const repeat = counting.repeatability;
  const how = `under ${counting.tool}, simulating ${counting.cacheGeometry}, built for \`-C target-cpu=${counting.cpu}\` (every configuration at the same level, so they compare), workload args \`${counting.args.join(' ')}\` (from ${counting.argsSource})`;
  if (!repeat || !r.configs.some((c) => isCounted(c.counted)))
    return ['## Counted work', '', 'No configuration could be counted (each row says why); the wall-time table above stands on its own.'];
  const runs = counting.runs ?? 1;
  if (!repeat.fixedWork)
    return [
      `## Counted work (not fixed-work: no verdict)`,
      '',
      `Each configuration counted ${runs === 1 ? 'once' : `${runs} times`} ${how}. **${describeRepeatability(repeat)}.** The counts below are medians with the spread of each binary's runs; no change between configurations is called. Wall time above is this workload's measure.`,
    ];
  return [
    `## Counted work (fixed-work: counts repeat)`,
    '',
    `Each configuration counted ${runs} times ${how}. ${describeRepeatability(repeat)}. These counts do not move with the machine's load: trust them for small differences, and wall time for the real speed on this machine.`,
  ];
}

/**
 * A compile time says what it measured; its change against the baseline is printed only when both
 * are cold builds (a warm partial rebuild beside a full build compared nothing: +71.9 % once).
 */
export function compileTimeCell(c: Pick<ConfigResult, 'buildSeconds' | 'buildKind'>, base: Pick<ConfigResult, 'buildSeconds' | 'buildKind'>): string {
  if (c.buildSeconds === null) return c.buildKind === 'fresh' ? 'not measured (up to date, nothing compiled)' : 'not recorded';
  const kind = c.buildKind ?? 'cold or incremental: not recorded';
  if (c === base) return `${seconds(c.buildSeconds)} ${kind}`;
  if (comparableBuild(c.buildKind, base.buildKind)) return `${seconds(c.buildSeconds)} cold (${change(c.buildSeconds, base.buildSeconds)})`;
  const why = c.buildKind === 'cold' ? `the baseline's build was ${base.buildKind ?? 'not recorded as cold'}` : 'compared only when cold';
  return `${seconds(c.buildSeconds)} ${kind} (${why})`;
}

/** A table in the seed's shape, every cell measured: compile time, binary size, runtime, each as change vs the baseline config. */
export function renderMarkdown(r: Report): string {
  const base = r.configs.find((c) => c.name === r.baseline) ?? r.configs[0];
  const rows = r.configs.map((c) => {
    const runtime = `${seconds(c.runtimeSeconds.median)} (${seconds(c.runtimeSeconds.min)}–${seconds(c.runtimeSeconds.max)})`;
    const tp = c.throughput ? `${Math.round(c.throughput.median).toLocaleString('en-US')} ${c.throughput.unit}` : '—';
    const vector = c.zmmInstructions > 0 ? `AVX-512 (${c.zmmInstructions})` : c.ymmInstructions > 0 ? `AVX (${c.ymmInstructions} ymm)` : 'none';
    const build = compileTimeCell(c, base);
    const rss = c.peakRssKiB ? `${mib(c.peakRssKiB.median)} (${mib(c.peakRssKiB.min)}–${mib(c.peakRssKiB.max)})` : '—';
    return `| ${c.name} | ${build} | ${mb(c.binaryBytes)} (${change(c.binaryBytes, base.binaryBytes)}) | ${runtime} (${change(c.runtimeSeconds.median, base.runtimeSeconds.median)}) | ${tp} | ${vector} | ${rss} |`;
  });
  const counting = r.counting;
  const hardware = r.configs.filter((c) => isCounted(c.counted) && c.counted.hardware);
  return [
    `# rust-perf report: ${r.project}`,
    '',
    `Workload \`${r.workload}\`, ${r.runs} runs per configuration (interleaved), on ${r.machine.cpu} (${r.machine.cores} cores), ${r.machine.rustc}. ${r.createdAt}.`,
    `Changes are against \`${base.name}\`. **Wall time, with spread**: runtime, throughput and peak RSS are the median with (min–max) of the runs; they move with the machine's load. Compile time is one measurement, marked cold (every unit compiled, as cargo reported) or incremental; only cold builds are compared with the baseline's.`,
    '',
    '| configuration | compile time | binary size | runtime | throughput (median) | vector instructions | peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(counting
      ? [
          ...countedIntro(r, counting),
          `Estimated cycles: ${counting.formula}. Allocations and peak heap: one DHAT run each.`,
          '',
          '| configuration | instructions (median) | instructions: runs (spread) | estimated cycles | branch mispredicts | LL misses | allocations | peak heap |',
          '| --- | --- | --- | --- | --- | --- | --- | --- |',
          ...countedRows(r),
          '',
          ...(hardware.length
            ? ['Hardware counters (perf stat, one run each; real, but not deterministic):', '', ...hardware.map((c) => { const h = (c.counted as CountedColumns).hardware!; return `- ${c.name}: ${count(h.instructions)} instructions, ${count(h.cycles)} cycles`; }), '']
            : []),
        ]
      : []),
    ...renderHeapProfile(r, base),
    ...renderMemorySection(r.memory, r.configs, base.name),
    ...r.configs.map((c) => `- **${c.name}**: ${c.description} (${c.source})`),
    '',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Series {
  value: (c: ConfigResult) => number | undefined;
  range?: (c: ConfigResult) => [number, number];
  text: (c: ConfigResult) => string;
  color: string;
}

interface Panel {
  title: string;
  series: Series[];
}

/**
 * Horizontal bar panels, each bar labelled with its value and change vs the baseline: runtime (wall
 * time, whisker min–max) with the estimated-cycles bar (counted, deterministic) beside it in the same
 * row when the report was counted, then binary size.
 */
export function renderSvg(r: Report): string {
  const base = r.configs.find((c) => c.name === r.baseline) ?? r.configs[0];
  const baseCounted = isCounted(base.counted) ? base.counted : undefined;
  const labelWidth = 170;
  const barWidth = 420;
  const barHeight = 18;
  const panelGap = 40;
  const top = 50;
  const runtime: Series = {
    value: (c) => c.runtimeSeconds.median,
    range: (c) => [c.runtimeSeconds.min, c.runtimeSeconds.max],
    text: (c) => `${seconds(c.runtimeSeconds.median)} (${change(c.runtimeSeconds.median, base.runtimeSeconds.median)})`,
    color: '#3b7dd8',
  };
  const cycles: Series = {
    value: (c) => (isCounted(c.counted) ? c.counted.estimatedCycles : undefined),
    text: (c) => {
      if (!isCounted(c.counted)) return 'not counted';
      const runsOf = (k: CountedColumns) => countSpread(k.runs?.estimatedCycles ?? [k.estimatedCycles]);
      const repeat = r.counting?.repeatability;
      if (c.counted === baseCounted) return `${count(c.counted.estimatedCycles)} est. cycles (baseline)`;
      return `${count(c.counted.estimatedCycles)} est. cycles${baseCounted && repeat ? ` ${describeChange(countChange(runsOf(c.counted), runsOf(baseCounted), repeat))}` : ''}`;
    },
    color: '#2e9e5b',
  };
  const counted = r.counting !== undefined && r.configs.some((c) => c.counted !== undefined);
  const panels: Panel[] = [
    {
      title: counted
        ? `Runtime (wall time, median, whisker min–max) and estimated cycles (counted at ${r.counting!.cpu}, ${r.counting!.repeatability?.fixedWork ? 'fixed-work' : 'not fixed-work: no verdict'}); lower is better`
        : 'Workload runtime (median, whisker min–max; lower is better)',
      series: counted ? [runtime, cycles] : [runtime],
    },
    { title: 'Binary size', series: [{ value: (c) => c.binaryBytes, text: (c) => `${mb(c.binaryBytes)} (${change(c.binaryBytes, base.binaryBytes)})`, color: '#d8893b' }] },
  ];
  const rowHeight = (p: Panel) => p.series.length * barHeight + 8;
  const panelHeight = (p: Panel) => 30 + r.configs.length * rowHeight(p);
  const height = top + panels.reduce((h, p) => h + panelHeight(p) + panelGap, 0);
  const width = labelWidth + barWidth + 230;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(`rust-perf report: ${r.project}`)}</text>`,
  ];
  let y0 = top;
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y0 + 14}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    const maxes = panel.series.map((s) => Math.max(0, ...r.configs.map((c) => (s.range ? s.range(c)[1] : (s.value(c) ?? 0)))));
    r.configs.forEach((c, i) => {
      const y = y0 + 26 + i * rowHeight(panel);
      parts.push(`<text x="${labelWidth - 8}" y="${y + 4 + (rowHeight(panel) - 8) / 2 + 5}" text-anchor="end">${escapeXml(c.name)}</text>`);
      panel.series.forEach((s, k) => {
        const by = y + 3 + k * barHeight;
        const max = maxes[k];
        const v = s.value(c);
        let textX = labelWidth + 6;
        if (v !== undefined) {
          const w = max > 0 ? Math.max(1, (v / max) * barWidth) : 1;
          const fill = c.name === base.name ? '#888888' : s.color;
          parts.push(`<rect x="${labelWidth}" y="${by}" width="${w.toFixed(1)}" height="${barHeight - 4}" fill="${fill}"/>`);
          textX = labelWidth + w + 6;
          if (s.range && max > 0) {
            const [lo, hi] = s.range(c).map((x) => labelWidth + (x / max) * barWidth);
            parts.push(`<line x1="${lo.toFixed(1)}" x2="${hi.toFixed(1)}" y1="${by + (barHeight - 4) / 2}" y2="${by + (barHeight - 4) / 2}" stroke="#222" stroke-width="1.5"/>`);
            textX = Math.max(textX, hi + 6);
          }
        }
        parts.push(`<text x="${textX.toFixed(1)}" y="${by + barHeight - 6}">${escapeXml(s.text(c))}</text>`);
      });
    });
    y0 += panelHeight(panel) + panelGap;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Remaining time from what the finished runs took, for the progress line. */
export function eta(doneSeconds: readonly number[], remainingRuns: number): number {
  if (doneSeconds.length === 0) return 0;
  return (doneSeconds.reduce((a, b) => a + b, 0) / doneSeconds.length) * remainingRuns;
}
