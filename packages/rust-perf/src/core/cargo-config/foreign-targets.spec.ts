// A macOS or Windows checkout of the same repository must build unchanged: the target tables init
// writes into .cargo/config.toml are evaluated against rustc's own cfg of those targets (`rustc
// --print cfg --target …` works without their std), and real cargo prints the rustc line it would run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process/run';
import { rustcCfg } from '../toolchain/rustc';
import { cfgMatches } from '../rustflags/cfg';
import { getIn, parseToml, type TomlTable } from '../toml/toml';
import { planCargoConfig, type CpuChoice } from './plan';
import type { Host } from '../rustflags/units';

const FOREIGN = ['aarch64-apple-darwin', 'x86_64-apple-darwin', 'x86_64-pc-windows-msvc'];
const CONTROL = ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu'];
/** Flags only a GNU-style Linux link understands (link.exe and ld64 reject -fuse-ld). */
const LINUX_ONLY = /fuse-ld|link-arg|^linker=|emit-relocs/;
const LINKERS = [[], ['-C', 'link-arg=-fuse-ld=mold'], ['-C', 'link-arg=-fuse-ld=lld']];
const CPUS: CpuChoice[] = ['none', 'x86-64-v2', 'x86-64-v3', 'native'];
const HOSTS: Host[] = [{ arch: 'x86_64', os: 'linux' }, { arch: 'aarch64', os: 'linux' }];

const cfgOf = new Map<string, string[]>();
beforeAll(async () => {
  for (const t of [...FOREIGN, ...CONTROL]) cfgOf.set(t, await rustcCfg(tmpdir(), t));
});

/** The rustflags cargo would give `triple` from the config text: every matching cfg table joins; [build] only when none matches. */
function flagsFor(text: string, triple: string): string[] {
  const doc = parseToml(text, 'config.toml');
  const targets = (getIn(doc, ['target']) ?? {}) as TomlTable;
  const matching = Object.entries(targets).filter(([key, table]) => key.startsWith('cfg(') && (table as TomlTable).rustflags !== undefined && cfgMatches(key, cfgOf.get(triple)!));
  if (matching.length === 0) return (getIn(doc, ['build', 'rustflags']) as string[] | undefined) ?? [];
  return matching.flatMap(([, table]) => (table as TomlTable).rustflags as string[]);
}

describe("init's .cargo/config.toml on macOS and Windows targets", () => {
  const cases = HOSTS.flatMap((host) => CPUS.flatMap((cpu) => LINKERS.map((linkerFlags) => ({ host, cpu, linkerFlags }))));

  it.each(cases.map((c) => [`${c.host.arch}-${c.host.os}`, c.cpu, c.linkerFlags.join(' ') || 'no linker flag', c] as const))('host %s, cpu %s, %s: no Linux-only flag reaches them', (_h, _c, _l, { host, cpu, linkerFlags }) => {
    const text = planCargoConfig({ existing: '[build]\nrustflags = ["--cfg", "from_build"]\n', file: 'config.toml', cpu, linkerFlags, host, force: false }).text!;
    for (const triple of FOREIGN) {
      const flags = flagsFor(text, triple);
      expect(flags.filter((f) => LINUX_ONLY.test(f))).toEqual([]);
      // x86-64 CPU levels mean nothing on arm64.
      if (triple.startsWith('aarch64')) expect(flags.filter((f) => /target-cpu=x86-64/.test(f))).toEqual([]);
      // The user's [build] flags still reach them (cargo drops [build] once a target table matches).
      expect(flags).toContain('from_build');
    }
    // The control: on the host itself the proven linker flag does arrive, so the check above can fail.
    const own = flagsFor(text, `${host.arch}-unknown-linux-gnu`);
    for (const f of linkerFlags) expect(own).toContain(f);
  });
});

describe('real cargo agrees (`cargo build -v --target …` prints the rustc line without that std)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rust-perf-foreign-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(dir, 'src/main.rs'), 'fn main() {}\n');
    const text = planCargoConfig({ existing: null, file: 'config.toml', cpu: 'x86-64-v3', linkerFlags: ['-C', 'link-arg=-fuse-ld=mold'], host: { arch: 'x86_64', os: 'linux' }, force: false }).text!;
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, '.cargo/config.toml'), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['x86_64-pc-windows-msvc', 'aarch64-apple-darwin'])('%s gets no -fuse-ld', async (triple) => {
    const r = await run('cargo', ['build', '-v', '--offline', '--target', triple], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, 'target'), RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined } });
    const line = r.stderr.split('\n').find((l) => l.includes('Running') && l.includes('--crate-name probe'));
    expect(line).toBeDefined();
    expect(line).toContain(`--target ${triple}`);
    expect(line).not.toMatch(/fuse-ld/);
    if (triple.startsWith('x86_64')) expect(line).toContain('target-cpu=x86-64-v3');
    else expect(line).not.toContain('target-cpu');
  });
});
