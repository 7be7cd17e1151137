// Cargo features a build needs for the targets it runs. A target with `required-features` is skipped
// by `cargo build` when they are off and refused by `cargo build --bin <it>` ("requires the features"),
// so every executor that builds a chosen binary or bench turns them on itself, read from the manifest
// through `cargo metadata` (its targets carry `required-features`).

/** One target as `cargo metadata --format-version 1` lists it. */
export interface FeatureTarget {
  name: string;
  kind: string[];
  'required-features'?: string[];
}

/** The `features` option as the executors accept it: a list, or one string of names split on commas/spaces (cargo's own syntax). */
export function featureList(features: readonly string[] | string | undefined): string[] {
  if (features === undefined) return [];
  const list = typeof features === 'string' ? features.split(/[\s,]+/) : features.flatMap((f) => String(f).split(/[\s,]+/));
  return [...new Set(list.map((f) => f.trim()).filter(Boolean))];
}

/** `required-features` of the `kind` target `name` ([] when it has none or is not listed). */
export function requiredFeatures(targets: readonly FeatureTarget[], kind: 'bin' | 'bench', name: string): string[] {
  return targets.find((t) => t.name === name && t.kind.includes(kind))?.['required-features'] ?? [];
}

export interface FeaturePlan {
  /** What `--features` gets: the option's names, then each required one not already there. */
  features: string[];
  /** The names added for the targets' `required-features`, with the target that asked ("bin wire_roundtrip: wire"). */
  added: Array<{ target: string; features: string[] }>;
}

/**
 * The option's features plus the `required-features` of the targets the build runs. With
 * `allFeatures` every feature is on already, so nothing is added.
 */
export function planFeatures(
  option: readonly string[] | string | undefined,
  targets: readonly FeatureTarget[],
  wanted: ReadonlyArray<{ kind: 'bin' | 'bench'; name: string }>,
  allFeatures = false,
): FeaturePlan {
  const features = featureList(option);
  const added: FeaturePlan['added'] = [];
  if (allFeatures) return { features, added };
  for (const w of wanted) {
    const missing = requiredFeatures(targets, w.kind, w.name).filter((f) => !features.includes(f));
    if (missing.length === 0) continue;
    features.push(...missing);
    added.push({ target: `${w.kind} ${w.name}`, features: missing });
  }
  return { features, added };
}

/** One log line for the features a plan added, or undefined when it added none. */
export function describeAddedFeatures(plan: FeaturePlan): string | undefined {
  if (plan.added.length === 0) return undefined;
  const why = plan.added.map((a) => `${a.target} has required-features = [${a.features.map((f) => JSON.stringify(f)).join(', ')}]`).join('; ');
  return `building with --features ${plan.features.join(',')} (${why})`;
}
