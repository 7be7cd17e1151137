import { isInitTable, planCargoConfig } from '../cargo-config/plan';
import { parseToml } from '../toml/toml';
import { describeRustflags, hostFromCfg, labelRustflags } from './provenance';
import { resolveRustflags } from './rustflags';
import type { CargoConfigFile } from '../context/cargo-configs';

const linux = { arch: 'x86_64', os: 'linux' };
const CFG = ['target_arch="x86_64"', 'target_os="linux"', 'target_env="gnu"', 'target_family="unix"', 'unix'];
const file = (path: string, text: string): CargoConfigFile => ({ file: path, table: parseToml(text, path), text });
// What init really writes (its planner), so the test follows init's own marker.
const initText = (existing: string | null) => planCargoConfig({ existing, file: '/w/rust/.cargo/config.toml', cpu: 'x86-64-v3', linkerFlags: [], host: linux, force: false }).text as string;
const labels = (configs: CargoConfigFile[], env: NodeJS.ProcessEnv = {}, add: string[] = [], addedBy?: string) => {
  const plan = resolveRustflags({ configs, env, triple: 'x86_64-unknown-linux-gnu', cfgLines: CFG, add, addedBy });
  return labelRustflags(plan.groups, configs, hostFromCfg(CFG), '/w', isInitTable);
};

describe('rustflags provenance', () => {
  it('[build-flag-provenance] calls a table init wrote rust-perf\'s, and a flag the build target adds the target\'s', () => {
    const got = labels([file('/w/rust/.cargo/config.toml', initText(null))], {}, ['-Cprofile-use=/t/p.profdata'], 'the build-pgo target (its profdata option)');
    expect(got).toEqual([
      { flag: '-C target-cpu=x86-64-v3', from: `rust-perf's table, written by init: rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")']` },
      { flag: '-Cprofile-use=/t/p.profdata', from: 'added by the build-pgo target (its profdata option)' },
    ]);
  });

  it('a table init --linker mold wrote (two comment lines), and one an earlier init wrote when mold was installed, are init\'s', () => {
    const mold = planCargoConfig({ existing: null, file: '/w/rust/.cargo/config.toml', linkerFlags: ['-C', 'link-arg=-fuse-ld=mold'], host: linux, force: false }).text as string;
    expect(mold).toContain('needs mold installed');
    const where = `rust-perf's table, written by init: rust/.cargo/config.toml [target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']`;
    expect(labels([file('/w/rust/.cargo/config.toml', mold)])).toEqual([{ flag: '-C link-arg=-fuse-ld=mold', from: where }]);
    const earlier = `# Linker proven on this host (x86_64-linux); other targets keep rustc's default linker.\n[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n`;
    expect(labels([file('/w/rust/.cargo/config.toml', earlier)])).toEqual([{ flag: '-C link-arg=-fuse-ld=mold', from: where }]);
  });

  it('calls a table of the same shape without init\'s comment the user\'s, and so the user\'s own triple table', () => {
    const mine = file('/w/rust/.cargo/config.toml', '[target.\'cfg(target_arch = "x86_64")\']\nrustflags = ["-C", "target-cpu=x86-64-v2"]\n\n[target.x86_64-unknown-linux-gnu]\nrustflags = ["--cfg", "tokio_unstable"]\n');
    expect(labels([mine])).toEqual([
      { flag: '-C target-cpu=x86-64-v2', from: `your table rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")']` },
      { flag: '--cfg tokio_unstable', from: 'your table rust/.cargo/config.toml [target.x86_64-unknown-linux-gnu]' },
    ]);
  });

  it('names the user\'s [build] flags init copied into its table as the user\'s', () => {
    const text = initText('[build]\nrustflags = ["-C", "force-frame-pointers=yes"]\n');
    expect(text).toContain('force-frame-pointers=yes');
    expect(labels([file('/w/rust/.cargo/config.toml', text)])).toEqual([
      { flag: '-C target-cpu=x86-64-v3', from: `rust-perf's table, written by init: rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")']` },
      { flag: '-C force-frame-pointers=yes', from: `your [build] rustflags in rust/.cargo/config.toml, copied by init into its table rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")']` },
    ]);
  });

  it('names the environment when RUSTFLAGS wins, and a plain [build] table', () => {
    const build = file('/w/.cargo/config.toml', '[build]\nrustflags = ["-Cdebuginfo=1"]\n');
    expect(labels([build], { RUSTFLAGS: '-C opt-level=2' })).toEqual([{ flag: '-C opt-level=2', from: 'the environment (RUSTFLAGS)' }]);
    expect(labels([build])).toEqual([{ flag: '-Cdebuginfo=1', from: 'your [build] rustflags in .cargo/config.toml' }]);
    const home = file('/home/me/.cargo/config.toml', '[build]\nrustflags = ["-Cdebuginfo=1"]\n');
    expect(labels([home])).toEqual([{ flag: '-Cdebuginfo=1', from: 'your [build] rustflags in /home/me/.cargo/config.toml' }]);
  });

  it('prints the flags on one line, then one line per flag with its origin', () => {
    expect(describeRustflags([], [])).toEqual([]);
    expect(describeRustflags(['-C', 'target-cpu=native'], [{ flag: '-C target-cpu=native', from: 'added by the build-native target' }])).toEqual([
      '  rustflags: -C target-cpu=native',
      '    -C target-cpu=native  added by the build-native target',
    ]);
  });
});
