// The per-bench opt-out (skip-benches in Cargo.toml, skipBenches in nx.json) and the inferred flamegraph's subject.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import { createNodesV2 } from './nodes';
import type { RustPerfPluginOptions } from './options';

// rand's shape: a `benches` package whose `simd` bench has no benchmarks on stable.
const BENCHES_TOML = `[package]
name = "benches"
version = "0.1.0"

[[bench]]
name = "simd"
harness = false

[[bench]]
name = "shuffle"
harness = false
`;

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rust-perf-skip-'));
  process.env.NX_WORKSPACE_DATA_DIRECTORY = join(root, '.nx', 'workspace-data');
  write('benches/Cargo.toml', BENCHES_TOML);
  write('benches/benches/simd.rs', '');
  write('benches/benches/shuffle.rs', '');
  write('examples/Cargo.toml', '[package]\nname = "examples"\nversion = "0.1.0"\n\n[[bin]]\nname = "wire_roundtrip"\nrequired-features = ["wire"]\n\n[features]\nwire = []\n');
  write('examples/src/bin/wire_roundtrip.rs', '');
  write('examples/src/bin/basic.rs', '');
});
afterEach(() => {
  delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
  rmSync(root, { recursive: true, force: true });
});

async function infer(options?: RustPerfPluginOptions): Promise<Record<string, ProjectConfiguration>> {
  const context: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
  const results = await createNodesV2[1](['benches/Cargo.toml', 'examples/Cargo.toml'], options, context);
  return Object.fromEntries(results.flatMap(([, r]) => Object.values(r.projects ?? {}).map((p) => [p.name as string, p as ProjectConfiguration])));
}

async function inferError(options?: RustPerfPluginOptions): Promise<string> {
  try {
    await infer(options);
  } catch (e) {
    const errors = (e as { errors?: Array<[string, Error]> }).errors;
    return errors ? errors.map(([, err]) => err.message).join('\n') : (e as Error).message;
  }
  throw new Error('inference did not fail');
}

describe('skip-benches: a bench left out of every rust-perf target', () => {
  const expectSimdLeftOut = (p: ProjectConfiguration, by: string) => {
    const targets = p.targets ?? {};
    expect(Object.keys(targets).filter((t) => t.startsWith('bench'))).toEqual(['bench', 'bench--shuffle', 'bench-ci']);
    expect(targets.bench.options).toMatchObject({ benches: ['shuffle'] });
    expect(targets['bench-ci'].dependsOn).toEqual([{ target: 'bench--shuffle', params: 'forward' }]);
    expect(p.metadata?.['rust-perf']?.notes).toContain(`bench simd has no rust-perf target (left out by ${by}).`);
  };

  it('from [package.metadata.rust-perf] skip-benches in the crate\'s Cargo.toml', async () => {
    write('benches/Cargo.toml', `${BENCHES_TOML}\n[package.metadata.rust-perf]\nskip-benches = ["simd"]\n`);
    expectSimdLeftOut((await infer()).benches, 'benches/Cargo.toml [package.metadata.rust-perf] skip-benches');
  });

  it('from the skipBenches plugin option in nx.json ("<project>:<bench>")', async () => {
    const projects = await infer({ skipBenches: ['benches:simd'] });
    expectSimdLeftOut(projects.benches, 'nx.json plugin option skipBenches');
  });

  it('skipping every bench leaves no bench targets and a flamegraph of nothing', async () => {
    write('benches/Cargo.toml', `${BENCHES_TOML}\n[package.metadata.rust-perf]\nskip-benches = ["simd"]\n`);
    const p = (await infer({ skipBenches: ['benches:shuffle'] })).benches;
    expect(Object.keys(p.targets ?? {})).toEqual(['build-release', 'build-native', 'doctor']);
  });

  it.each([
    ['not an array', 'skip-benches = "simd"', 'benches/Cargo.toml:14:1: [package.metadata.rust-perf] skip-benches must be an array of bench target names, e.g. skip-benches = ["simd"]; got "simd"'],
    ['an empty name', 'skip-benches = ["shuffle", ""]', 'benches/Cargo.toml:14:28: [package.metadata.rust-perf] skip-benches must be an array of bench target names, e.g. skip-benches = ["simd"]; got ""'],
    ['a name that is no bench', 'skip-benches = ["shuffle", "simd2"]', 'benches/Cargo.toml:14:28: [package.metadata.rust-perf] skip-benches names "simd2", which is not a bench target of this package (benches: simd, shuffle); fix the name or remove it.'],
  ])('[infer-skip-benches-bad-value] a manifest value that is %s: file:line:column', async (_case, line, message) => {
    write('benches/Cargo.toml', `${BENCHES_TOML}\n[package.metadata.rust-perf]\n${line}\n`);
    expect(await inferError()).toContain(message);
  });

  it.each([
    ['no project part', ['simd'], 'nx.json:7:11: rust-perf plugin option skipBenches must be a list of "<project>:<bench>" entries, e.g. ["benches:simd"]'],
    ['an unknown bench', ['benches:smid'], 'nx.json:7:11: rust-perf plugin option skipBenches names "benches:smid", but benches has no bench target "smid" (benches: simd, shuffle); fix or remove the entry.'],
    ['an unknown project', ['bench:simd'], 'nx.json:7:11: rust-perf plugin option skipBenches names "bench:simd", but no Cargo package is the Nx project "bench"'],
  ])('[infer-skip-benches-nx-json] an nx.json entry with %s: nx.json:line:column', async (_case, skipBenches, message) => {
    write('nx.json', JSON.stringify({ plugins: [{ plugin: 'rust-perf', options: { skipBenches } }] }, null, 2) + '\n');
    expect(await inferError({ skipBenches })).toContain(message);
  });
});

describe('the inferred flamegraph records what the PGO workload runs', () => {
  it('several binaries and no workload: no bin in the options, the executor picks one that builds', async () => {
    const fg = (await infer()).examples.targets?.flamegraph;
    expect(fg?.options).toEqual({ cargoRoot: 'examples', package: 'examples', outputPath: 'dist/flamegraph/examples' });
    expect(fg?.metadata?.description).toContain("the first of its binaries that builds without required-features (cargo's default-run first)");
  });

  it("the workload's first bin, not the manifest's first [[bin]]", async () => {
    write('examples/Cargo.toml', '[package]\nname = "examples"\nversion = "0.1.0"\n\n[[bin]]\nname = "wire_roundtrip"\nrequired-features = ["wire"]\n\n[features]\nwire = []\n\n[package.metadata.rust-perf]\nworkload = [{ bin = "basic", args = ["1000"] }]\n');
    expect((await infer()).examples.targets?.flamegraph?.options).toMatchObject({ bin: 'basic' });
  });

  it('a package without binaries: its first bench that skip-benches keeps', async () => {
    expect((await infer({ skipBenches: ['benches:simd'] })).benches.targets?.flamegraph?.options).toMatchObject({ bench: 'shuffle' });
  });
});
