// divan benches, driven as a user would: a crate of our own with a divan bench (an `args` bench and a
// generic one) from crates.io. `nx run dv:bench` reads divan's table into summary.json (ids per leaf,
// fastest/median/mean) and compares with a summary baseline; `--metric=instructions` counts one iteration
// of divan's measured loop under callgrind; the same-job gate is quiet on a comment-only change and
// catches a slowed routine without touching the others.
import { commitAll, createWorkspace, type TestWorkspace } from './harness';

const MANIFEST = `[workspace]
members = ["dv"]
resolver = "2"
`;
const CRATE = `[package]
name = "dv"
version = "0.1.0"
edition = "2021"

[dev-dependencies]
divan = "0.1.21"

[[bench]]
name = "speed"
harness = false
`;
const LIB = `/// FNV-1a over the bytes: a short routine whose work grows with its input.
pub fn checksum(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub fn parse_all<T: std::str::FromStr>(items: &[&str]) -> usize {
    items.iter().filter(|s| s.parse::<T>().is_ok()).count()
}
`;
const BENCH = `fn main() {
    divan::main();
}

static DATA: [u8; 4096] = [7; 4096];

#[divan::bench(args = [16, 256])]
fn checksum(n: usize) -> u64 {
    dv::checksum(divan::black_box(&DATA[..n]))
}

#[divan::bench(types = [u8, u64])]
fn parse<T: std::str::FromStr>() -> usize {
    dv::parse_all::<T>(divan::black_box(&["1", "200", "300000", "x"]))
}
`;
const IDS = ['checksum/16', 'checksum/256', 'parse/u8', 'parse/u64'];
// Short divan runs: 20 samples, at most half a second per benchmark.
const FAST = ['--sampleSize=20', '--measurementTime=0.5'];

interface Summary {
  metric?: string;
  benchmarks: {
    id: string;
    bench: string;
    harness?: string;
    fastest?: number;
    median: { estimate: number; lower: number; upper: number };
    mean: { estimate: number };
    baseline?: { changePercent: number; regressed: boolean };
    counted?: { runs: number[]; spreadPercent: number; toggle: string };
  }[];
  comparison?: { verdict: string; benchmarks: { id: string; status: string; verdict: string; decidedBy?: string }[] };
}

describe('divan benches', () => {
  let ws: TestWorkspace;
  const started = Date.now();
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, registerPlugin: true, name: 'divan-repo' });
    ws.write('rust/Cargo.toml', MANIFEST);
    ws.write('rust/dv/Cargo.toml', CRATE);
    ws.write('rust/dv/src/lib.rs', LIB);
    ws.write('rust/dv/benches/speed.rs', BENCH);
    ws.write('.gitignore', (ws.exists('.gitignore') ? ws.read('.gitignore') : 'node_modules\n') + 'dist\n.nx\nrust/target\n');
    await ws.exec('cargo', ['generate-lockfile'], { cwd: ws.cargoRoot });
    await commitAll(ws, 'a crate with a divan bench');
  }, 600_000);
  afterAll(() => {
    ws?.cleanup();
    console.log(`bench-divan.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
  const summary = () => JSON.parse(ws.read('dist/bench/dv/summary.json')) as Summary;

  test('bench reads every divan leaf into the summary, and compares with a summary baseline', async () => {
    const first = await ws.nx(['run', 'dv:bench', ...FAST]);
    expect(out(first)).toMatch(/done checksum\/16: median [\d.]+ (ns|µs), fastest/);
    const s = summary();
    expect(s.benchmarks.map((b) => b.id)).toEqual(IDS);
    for (const b of s.benchmarks) {
      expect(b).toMatchObject({ bench: 'speed', harness: 'divan' });
      expect(b.fastest).toBeGreaterThan(0);
      expect(b.median.lower).toBe(b.fastest);
      expect(b.median.estimate).toBeGreaterThanOrEqual(b.median.lower);
      expect(b.median.upper).toBeGreaterThanOrEqual(b.median.estimate);
      expect(b.mean.estimate).toBeGreaterThan(0);
    }
    // 16 times more bytes: clearly more time per iteration.
    const median = (id: string) => s.benchmarks.find((b) => b.id === id)!.median.estimate;
    expect(median('checksum/256')).toBeGreaterThan(4 * median('checksum/16'));
    expect(ws.read('dist/bench/dv/summary.md')).toMatch(/divan benchmarks show divan's median per iteration with \[fastest – slowest sample\]/);

    // The baseline is this run's summary with every median scaled ×1000 either way: a shared machine made these
    // ~20 ns routines 50-65 % slower between two runs, and divan's interval is [fastest, slowest sample], which a
    // stall can stretch 20×; neither moves 1000×, so the comparison is judged on what it must do, not on the machine.
    const scaled = (k: number) => {
      const raw = JSON.parse(ws.read('dist/bench/dv/summary.json')) as Summary;
      for (const b of raw.benchmarks) for (const key of ['estimate', 'lower', 'upper'] as const) b.median[key] *= k;
      return JSON.stringify(raw);
    };
    const slowerBase = scaled(1000);
    const fasterBase = scaled(0.001);
    ws.write('baseline.json', slowerBase);
    const again = await ws.nx(['run', 'dv:bench', ...FAST, '--baseline=baseline.json', '--failOnRegression=50']);
    expect(out(again)).toMatch(/No regression above 50% \(4 of 4 benchmark\(s\) compared\)/);
    expect(summary().benchmarks.every((b) => b.baseline && !b.baseline.regressed && b.baseline.changePercent < -50)).toBe(true);
    ws.write('baseline.json', fasterBase);
    const slowed = await ws.nx(['run', 'dv:bench', ...FAST, '--baseline=baseline.json', '--failOnRegression=50'], { allowFailure: true });
    expect(slowed.exitCode).not.toBe(0);
    expect(out(slowed)).toMatch(/4 benchmark\(s\) regressed by more than 50%/);
    expect(summary().benchmarks.every((b) => b.baseline?.regressed)).toBe(true);

    const refused = await ws.nx(['run', 'dv:bench', '--saveBaseline=main'], { allowFailure: true });
    expect(refused.exitCode).not.toBe(0);
    expect(out(refused)).toMatch(/"saveBaseline" saves a criterion baseline; divan has none \(bench\(es\) speed\)/);
  }, 900_000);

  test('counted mode counts one iteration of divan\'s loop: exact repeats, more bytes count more', async () => {
    const counted = await ws.nx(['run', 'dv:bench', '--metric=instructions', '--countRuns=2']);
    expect(out(counted)).toMatch(/done checksum\/16: [\d,]+ instructions \(spread 0\.00% over 2 runs\)/);
    const s = summary();
    expect(s.metric).toBe('instructions');
    expect(s.benchmarks.map((b) => b.id)).toEqual(IDS);
    const count = (id: string) => s.benchmarks.find((b) => b.id === id)!;
    for (const b of s.benchmarks) {
      expect(b.counted!.toggle).toContain('sync_impl');
      expect(b.counted!.spreadPercent).toBe(0);
    }
    // 240 more bytes: at least two instructions each, and the whole loop (timer reads included) stays small.
    expect(count('checksum/256').median.estimate - count('checksum/16').median.estimate).toBeGreaterThan(480);
    expect(count('checksum/16').median.estimate).toBeLessThan(2000);
  }, 900_000);

  test('the same-job gate: a comment-only change is quiet; a slowed checksum regresses, parse stays untouched', async () => {
    // The base keeps its own target dir (the default): cargo names a workspace member's artifacts the same in
    // any checkout, so a base built into the head's target dir would overwrite the head's bench executable.
    // Two benchmarks (divan's regex filter over its paths) keep the counted runs few: a slowed one and an untouched one.
    const gate = ['--rounds=6', '--sampleSize=10', '--measurementTime=0.2', '--filter=checksum::256$|parse::u8$'];
    ws.write('rust/dv/src/lib.rs', LIB + '\n// a comment\n');
    await commitAll(ws, 'comment only');
    const quiet = await ws.nx(['run', 'dv:bench', '--compareRef=HEAD~1', ...gate]);
    expect(out(quiet)).toMatch(/round 6\/6 done/);
    const aa = summary().comparison!;
    expect(aa.verdict).toBe('pass');
    expect(aa.benchmarks.map((b) => [b.id, b.status, b.decidedBy, b.verdict])).toEqual(['checksum/256', 'parse/u8'].map((id) => [id, 'compared', 'instructions', 'no significant change']));

    ws.write('rust/dv/src/lib.rs', LIB.replace('h = h.wrapping_mul(0x100000001b3);', 'h = h.wrapping_mul(0x100000001b3);\n        h = h.rotate_left(5) ^ (b as u64);'));
    await commitAll(ws, 'slow checksum');
    const slowed = await ws.nx(['run', 'dv:bench', '--compareRef=HEAD~1', ...gate], { allowFailure: true });
    expect(slowed.exitCode).not.toBe(0);
    const ab = summary().comparison!;
    expect(ab.verdict).toBe('fail');
    expect(ab.benchmarks.map((b) => [b.id, b.decidedBy, b.verdict])).toEqual([
      ['checksum/256', 'instructions', 'regressed'],
      ['parse/u8', 'instructions', 'no significant change'],
    ]);
    expect(out(slowed)).toMatch(/checksum\/256: regressed, [\d,]+ instr → [\d,]+ instr, change \+\d+\.\d\d%/);
  }, 900_000);
});
