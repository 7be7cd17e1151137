// Differential flamegraphs of a regressed benchmark: what the head spends its samples on that the base
// did not. Pure: file names, the diff tool's argv, and reading its output for the log's summary line.

/** A file name for a criterion benchmark id ("orderbook/add_cancel_match" → "orderbook_add_cancel_match"). */
export function benchFileStem(id: string): string {
  const stem = id.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[_.]+|_+$/g, '');
  return stem || 'benchmark';
}

/**
 * `inferno-diff-folded --normalize base head`: each stack with the base's and the head's sample counts,
 * the base scaled to the head's total, so a frame's change is its change in share of the time, not in
 * how many samples a fixed-time profile run happened to take.
 */
export function diffFoldedArgs(baseFolded: string, headFolded: string): string[] {
  return ['--normalize', baseFolded, headFolded];
}

export interface DiffStack {
  frames: string[];
  base: number;
  head: number;
}

/** Lines of `inferno-diff-folded` output: `frame;frame;frame <base> <head>`. */
export function parseDiffFolded(text: string): DiffStack[] {
  const stacks: DiffStack[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*) (\d+) (\d+)$/.exec(line.trimEnd());
    if (!m) continue;
    stacks.push({ frames: m[1].split(';'), base: Number(m[2]), head: Number(m[3]) });
  }
  return stacks;
}

export interface FrameGrowth {
  frame: string;
  /** Share of all samples with this frame on top of the stack (its own time), percent. */
  baseShare: number;
  headShare: number;
}

/**
 * The frames whose own time (top of the stack) grew most as a share of all samples, largest growth
 * first: the reviewer's first question about a regression, answered in the log before the SVG is opened.
 */
export function grownFrames(stacks: readonly DiffStack[], limit = 3): FrameGrowth[] {
  const totalBase = stacks.reduce((s, x) => s + x.base, 0);
  const totalHead = stacks.reduce((s, x) => s + x.head, 0);
  if (totalBase === 0 || totalHead === 0) return [];
  const self = new Map<string, { base: number; head: number }>();
  for (const s of stacks) {
    const leaf = s.frames[s.frames.length - 1];
    const e = self.get(leaf) ?? { base: 0, head: 0 };
    e.base += s.base;
    e.head += s.head;
    self.set(leaf, e);
  }
  return [...self.entries()]
    .map(([frame, e]) => ({ frame, baseShare: (e.base / totalBase) * 100, headShare: (e.head / totalHead) * 100 }))
    .filter((g) => g.headShare > g.baseShare)
    .sort((a, b) => b.headShare - b.baseShare - (a.headShare - a.baseShare))
    .slice(0, limit);
}

export function describeGrowth(g: readonly FrameGrowth[]): string {
  if (!g.length) return 'no frame took a larger share of the samples';
  return g.map((x) => `${x.frame} ${x.baseShare.toFixed(1)}% → ${x.headShare.toFixed(1)}% of samples`).join('; ');
}
