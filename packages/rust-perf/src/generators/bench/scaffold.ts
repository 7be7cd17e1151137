// Writes benches/<name>.rs that measures a real public function of the crate when one with simple
// arguments can be found (top-level `pub fn` of src/lib.rs or of its `pub mod` files), else a
// placeholder that still compiles and runs.
export interface PublicFn {
  /** Path from the crate root, e.g. ['msg', 'parse_line']. */
  path: string[];
  args: string[];
}

const INTS = ['u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize'];

/** A Rust expression for an argument type, or null when we cannot make one up. */
export function argumentFor(type: string): string | null {
  const t = type.replace(/\s+/g, ' ').trim();
  if (INTS.includes(t)) return `black_box(1_000)`;
  if (t === 'f32' || t === 'f64') return 'black_box(1.5)';
  if (t === 'bool') return 'black_box(true)';
  if (t === '&str' || t === "&'static str") return 'black_box("benchmark input 0123456789")';
  if (t === 'String') return 'black_box(String::from("benchmark input 0123456789"))';
  if (t === '&[u8]') return 'black_box(&b"benchmark input 0123456789"[..])';
  const slice = /^&\[(\w+)\]$/.exec(t);
  if (slice && INTS.includes(slice[1])) return `black_box(&[1, 2, 3, 5, 8, 13, 21, 34][..])`;
  if (slice && (slice[1] === 'f32' || slice[1] === 'f64')) return `black_box(&[1.0, 2.5, 3.25, 4.0][..])`;
  return null;
}

/** Top-level, non-generic, safe, sync `pub fn`s whose arguments argumentFor can supply. */
export function findPublicFns(source: string, modulePath: string[]): PublicFn[] {
  const out: PublicFn[] = [];
  const re = /^pub (?:const )?fn (\w+)\s*\(([^)]*)\)/gm;
  for (const m of source.matchAll(re)) {
    const params = m[2].split(',').map((p) => p.trim()).filter(Boolean);
    if (params.some((p) => p.startsWith('self') || p.startsWith('&self') || p.startsWith('&mut self'))) continue;
    const args = params.map((p) => argumentFor(p.slice(p.indexOf(':') + 1)));
    if (args.some((a) => a === null)) continue;
    out.push({ path: [...modulePath, m[1]], args: args as string[] });
  }
  return out;
}

/** Names of `pub mod x;` declarations (modules in their own files). */
export function publicModules(libSource: string): string[] {
  return [...libSource.matchAll(/^pub mod (\w+);/gm)].map((m) => m[1]);
}

export function benchSource(benchName: string, crateIdent: string, target: PublicFn | null): string {
  const fnName = `bench_${benchName.replace(/\W/g, '_')}`;
  const body = target
    ? `    c.bench_function("${target.path.join('::')}", |b| b.iter(|| ${crateIdent}::${target.path.join('::')}(${target.args.join(', ')})));`
    : [
        '    // TODO: call your crate\'s public API here. No public function with simple arguments was',
        '    // found, so this placeholder measures a small loop to show the benchmark runs.',
        '    c.bench_function("placeholder", |b| b.iter(|| (0..black_box(1_000u64)).fold(0u64, |a, x| a.wrapping_mul(31).wrapping_add(x))));',
      ].join('\n');
  return `//! Criterion benchmark \`${benchName}\` (scaffolded by \`nx g rust-perf:bench\`). Run: cargo bench --bench ${benchName}
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn ${fnName}(c: &mut Criterion) {
${body}
}

criterion_group!(benches, ${fnName});
criterion_main!(benches);
`;
}
