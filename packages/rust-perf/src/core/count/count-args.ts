// Which args a counted run uses: counted runs are 20–60× slower than native, so a workload may
// declare smaller ones. The target's `countArgs` option beats `[package.metadata.rust-perf]
// countArgs`, which beats the workload entry's own args.

export class CountArgsError extends Error {}

export interface CountArgs {
  args: string[];
  /** Where they came from, for the output ("which args were counted"). */
  source: string;
}

function stringArray(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new CountArgsError(`${where} must be an array of strings, e.g. countArgs = ["--synthetic", "200000"]`);
  return v;
}

export function resolveCountArgs(option: unknown, metadata: unknown, manifestPath: string, entryArgs: readonly string[]): CountArgs {
  if (option !== undefined) return { args: stringArray(option, 'the `countArgs` option'), source: 'the `countArgs` option' };
  const meta = (metadata as Record<string, unknown> | null | undefined)?.['rust-perf'] as Record<string, unknown> | undefined;
  const where = `${manifestPath} [package.metadata.rust-perf] countArgs`;
  if (meta && meta.countArgs !== undefined) return { args: stringArray(meta.countArgs, where), source: where };
  return { args: [...entryArgs], source: 'the workload entry (no countArgs)' };
}
