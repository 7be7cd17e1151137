// The measured optimization report: what each build configuration buys on the project's own
// workload. Pure: the executor measures, this module summarizes and renders (JSON, markdown, SVG).

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export interface ConfigResult {
  name: string;
  description: string;
  /** Measured wall time of the cargo build that produced the binary (seconds); from the build record when reused, null when none was recorded. */
  buildSeconds: number | null;
  /** Where the binary came from: built by the report, or reused from a target's output. */
  source: string;
  binaryBytes: number;
  runtimeSeconds: Spread;
  /** Units per second when the workload prints a throughput line. */
  throughput?: Spread & { unit: string };
  /** AVX/AVX2 (ymm) and AVX-512 (zmm) instructions in the binary's disassembly. */
  ymmInstructions: number;
  zmmInstructions: number;
}

export interface Report {
  schemaVersion: 1;
  project: string;
  createdAt: string;
  machine: { cpu: string; cores: number; rustc: string };
  workload: string;
  runs: number;
  baseline: string;
  configs: ConfigResult[];
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

/** A table in the seed's shape, every cell measured: compile time, binary size, runtime, each as change vs the baseline config. */
export function renderMarkdown(r: Report): string {
  const base = r.configs.find((c) => c.name === r.baseline) ?? r.configs[0];
  const rows = r.configs.map((c) => {
    const runtime = `${seconds(c.runtimeSeconds.median)} (${seconds(c.runtimeSeconds.min)}–${seconds(c.runtimeSeconds.max)})`;
    const tp = c.throughput ? `${Math.round(c.throughput.median).toLocaleString('en-US')} ${c.throughput.unit}` : '—';
    const vector = c.zmmInstructions > 0 ? `AVX-512 (${c.zmmInstructions})` : c.ymmInstructions > 0 ? `AVX (${c.ymmInstructions} ymm)` : 'none';
    const build = c.buildSeconds === null ? 'not recorded' : `${seconds(c.buildSeconds)} (${change(c.buildSeconds, base.buildSeconds)})`;
    return `| ${c.name} | ${build} | ${mb(c.binaryBytes)} (${change(c.binaryBytes, base.binaryBytes)}) | ${runtime} (${change(c.runtimeSeconds.median, base.runtimeSeconds.median)}) | ${tp} | ${vector} |`;
  });
  return [
    `# rust-perf report: ${r.project}`,
    '',
    `Workload \`${r.workload}\`, ${r.runs} runs per configuration (interleaved), on ${r.machine.cpu} (${r.machine.cores} cores), ${r.machine.rustc}. ${r.createdAt}.`,
    `Changes are against \`${base.name}\`; runtime is the median wall time with (min–max).`,
    '',
    '| configuration | compile time | binary size | runtime | throughput (median) | vector instructions |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...r.configs.map((c) => `- **${c.name}**: ${c.description} (${c.source})`),
    '',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Two horizontal bar panels (runtime, binary size), each bar labelled with its value and change vs the baseline. */
export function renderSvg(r: Report): string {
  const base = r.configs.find((c) => c.name === r.baseline) ?? r.configs[0];
  const labelWidth = 170;
  const barWidth = 420;
  const rowHeight = 26;
  const panelGap = 40;
  const top = 50;
  const panels: Array<{ title: string; value: (c: ConfigResult) => number; range?: (c: ConfigResult) => [number, number]; text: (c: ConfigResult) => string; color: string }> = [
    {
      title: 'Workload runtime (median, whisker min–max; lower is better)',
      value: (c) => c.runtimeSeconds.median,
      range: (c) => [c.runtimeSeconds.min, c.runtimeSeconds.max],
      text: (c) => `${seconds(c.runtimeSeconds.median)} (${change(c.runtimeSeconds.median, base.runtimeSeconds.median)})`,
      color: '#3b7dd8',
    },
    { title: 'Binary size', value: (c) => c.binaryBytes, text: (c) => `${mb(c.binaryBytes)} (${change(c.binaryBytes, base.binaryBytes)})`, color: '#d8893b' },
  ];
  const panelHeight = 30 + r.configs.length * rowHeight;
  const height = top + panels.length * (panelHeight + panelGap);
  const width = labelWidth + barWidth + 190;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(`rust-perf report: ${r.project}`)}</text>`,
  ];
  panels.forEach((panel, p) => {
    const y0 = top + p * (panelHeight + panelGap);
    const max = Math.max(...r.configs.map((c) => (panel.range ? panel.range(c)[1] : panel.value(c))));
    parts.push(`<text x="10" y="${y0 + 14}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    r.configs.forEach((c, i) => {
      const y = y0 + 26 + i * rowHeight;
      const w = max > 0 ? Math.max(1, (panel.value(c) / max) * barWidth) : 1;
      const fill = c.name === base.name ? '#888888' : panel.color;
      parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(c.name)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${fill}"/>`);
      let textX = labelWidth + w + 6;
      if (panel.range && max > 0) {
        const [lo, hi] = panel.range(c).map((v) => labelWidth + (v / max) * barWidth);
        parts.push(`<line x1="${lo.toFixed(1)}" x2="${hi.toFixed(1)}" y1="${y + rowHeight / 2}" y2="${y + rowHeight / 2}" stroke="#222" stroke-width="1.5"/>`);
        textX = Math.max(textX, hi + 6);
      }
      parts.push(`<text x="${textX.toFixed(1)}" y="${y + 15}">${escapeXml(panel.text(c))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Remaining time from what the finished runs took, for the progress line. */
export function eta(doneSeconds: readonly number[], remainingRuns: number): number {
  if (doneSeconds.length === 0) return 0;
  return (doneSeconds.reduce((a, b) => a + b, 0) / doneSeconds.length) * remainingRuns;
}
