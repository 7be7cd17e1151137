// perf + inferno through Nx: an SVG (and folded stacks) naming the order book's functions.
import { createWorkspace, type TestWorkspace } from './harness';

// A Cargo root of its own beside the example, shaped like OrderBook-rs's `examples` package: its first
// [[bin]] has required-features, so cargo refuses `--bin feat-bin` without them; a bench is opted out.
const GADGETS_TOML = `[package]
name = "gadgets"
version = "0.1.0"
edition = "2021"

[workspace]

[features]
extra = []

[[bin]]
name = "feat-bin"
path = "src/feat.rs"
required-features = ["extra"]

[[bench]]
name = "fast"
harness = false

[[bench]]
name = "nightly_only"
harness = false

[package.metadata.rust-perf]
skip-benches = ["nightly_only"]
`;
const SPIN = (name: string) => `#[inline(never)]
fn ${name}(n: u64) -> u64 {
    let mut x = 1u64;
    for i in 0..n { x = x.wrapping_mul(6364136223846793005).wrapping_add(std::hint::black_box(i)); }
    x
}
`;
const ARG = 'std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(300_000_000)';

describe('flamegraph', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  test('flamegraph renders an SVG with the order book functions', async () => {
    // The inferred target records the market-data binary; a short synthetic workload keeps perf.data small.
    const r = await ws.nx(['run', 'market-data:flamegraph', '--args=--synthetic', '--args=300000']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/kernel\.perf_event_paranoid=/);
    expect(out).toMatch(/wrote dist\/flamegraph\/market-data\/market-data\.svg/);
    const svg = ws.read('dist/flamegraph/market-data/market-data.svg');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toMatch(/market_data::book::OrderBook::\w+/);
    expect(ws.read('dist/flamegraph/market-data/market-data.folded')).toMatch(/market_data::.* \d+\n/);
  }, 1_200_000);

  test('flamegraph of a package whose first [[bin]] has required-features; skip-benches; PGO of that binary [exec-flamegraph-required-features]', async () => {
    ws.write('tools/gadgets/Cargo.toml', GADGETS_TOML);
    ws.write('tools/gadgets/src/bin/plain.rs', `${SPIN('plain_spin')}fn main() { println!("plain={}", plain_spin(${ARG})); }\n`);
    ws.write('tools/gadgets/src/feat.rs', `${SPIN('extra_spin')}fn main() { println!("extra={} {}", extra_spin(${ARG}), cfg!(feature = "extra")); }\n`);
    for (const b of ['fast', 'nightly_only']) ws.write(`tools/gadgets/benches/${b}.rs`, 'fn main() {}\n');

    const shown = JSON.parse((await ws.nx(['show', 'project', 'gadgets', '--json'])).stdout) as { targets: Record<string, { options?: Record<string, unknown> }> };
    expect(Object.keys(shown.targets).filter((t) => t.startsWith('bench'))).toEqual(['bench', 'bench--fast', 'bench-ci']);
    expect(shown.targets.flamegraph.options).toEqual({ cargoRoot: 'tools/gadgets', package: 'gadgets', outputPath: 'dist/flamegraph/gadgets' });

    // The default: the first binary that builds as it is, not the first [[bin]].
    const plain = await ws.nx(['run', 'gadgets:flamegraph']);
    expect(plain.stdout + plain.stderr).toContain('recording bin plain: the first of 2 binaries that needs no required-features');
    expect(ws.read('dist/flamegraph/gadgets/plain.folded')).toMatch(/plain_spin/);

    // Asked for by name: built with its required-features on.
    const feat = await ws.nx(['run', 'gadgets:flamegraph', '--bin=feat-bin']);
    expect(feat.stdout + feat.stderr).toContain('building with --features extra (bin feat-bin has required-features = ["extra"])');
    expect(ws.read('dist/flamegraph/gadgets/feat-bin.folded')).toMatch(/extra_spin/);

    // The PGO workload's binary needs the feature: pgo-profile builds with it, build-pgo with the same.
    ws.write('tools/gadgets/Cargo.toml', `${GADGETS_TOML}workload = [{ bin = "feat-bin", args = ["20000000"] }]\n`);
    const pgo = await ws.nx(['run', 'gadgets:build-pgo']);
    const out = pgo.stdout + pgo.stderr;
    expect(out).toContain('building with --features extra (bin feat-bin has required-features = ["extra"])');
    expect(out).toContain('building with --features extra (extra as the profile was recorded with, dist/pgo/gadgets/pgo.json)');
    const run = await ws.exec(`${ws.root}/dist/rust/gadgets/pgo/feat-bin`, ['1000']);
    expect(run.stdout).toMatch(/^extra=\d+ true/);
  }, 1_200_000);
});
