import { run } from '../process/run';
import { allocatorBlock } from './allocator';
import { allocatorOnTarget, cfgLookup, defaultFeatures, globalAllocatorItems } from './detect';

// The host's real cfg (what doctor reads), not a hand-written list.
let hostCfg: string[];
let host: string;
beforeAll(async () => {
  hostCfg = (await run('rustc', ['--print', 'cfg'], { cwd: __dirname })).stdout.split('\n').filter(Boolean);
  host = /host: (\S+)/.exec((await run('rustc', ['-vV'], { cwd: __dirname })).stdout)![1];
});
const onHost = (src: string, features: string[] = []) => allocatorOnTarget(src, 'app/src/main.rs', host, cfgLookup(hostCfg, new Set(features)));
const isGnu = () => hostCfg.includes('target_env="gnu"');

describe('#[global_allocator] under #[cfg] [exec-doctor-allocator-cfg]', () => {
  it('finds items with their own and their modules\' cfgs, ignoring comments and strings', () => {
    const src = [
      '// #[global_allocator] in a comment',
      'const S: &str = "#[global_allocator] { in a string";',
      '#[cfg(target_env = "musl")]',
      '#[global_allocator]',
      'static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;',
      '#[cfg(windows)]',
      'mod alloc {',
      '    #[global_allocator]',
      '    #[cfg(feature = "mi")]',
      '    static A: mimalloc::MiMalloc = mimalloc::MiMalloc;',
      '}',
      'fn main() {}',
    ].join('\n');
    expect(globalAllocatorItems(src)).toEqual([
      { line: 4, type: 'tikv_jemallocator::Jemalloc', cfgs: ['target_env = "musl"'] },
      { line: 8, type: 'mimalloc::MiMalloc', cfgs: ['feature = "mi"', 'windows'] },
    ]);
  });

  it('a jemalloc behind cfg(target_env = "musl") is not the allocator of a glibc build', () => {
    if (!isGnu()) return; // the machine's facts decide; CI and dev machines are x86_64 glibc
    const v = onHost('#[cfg(target_env = "musl")]\n#[global_allocator]\nstatic GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;\nfn main() {}\n');
    expect(v).toEqual({
      known: true,
      summary: `system allocator: the #[global_allocator] jemalloc at app/src/main.rs:2 is behind #[cfg(target_env = "musl")], which does not hold for ${host} with default features`,
    });
  });

  it('the allocator generator\'s own block holds on Linux, and not with --features system-allocator', () => {
    if (!hostCfg.includes('target_os="linux"')) return;
    const src = `${allocatorBlock('jemalloc')}fn main() {}\n`;
    expect(onHost(src).summary).toMatch(/^jemalloc \(#\[global_allocator\] at app\/src\/main.rs:4; #\[cfg\(all\(not\(target_os = "macos"\).*\)\] holds for /);
    expect(onHost(src, ['system-allocator']).summary).toMatch(/^system allocator: the #\[global_allocator\] jemalloc/);
  });

  it('picks the branch that holds among several', () => {
    const src = '#[cfg(unix)]\n#[global_allocator]\nstatic A: mimalloc::MiMalloc = mimalloc::MiMalloc;\n#[cfg(not(unix))]\n#[global_allocator]\nstatic B: std::alloc::System = std::alloc::System;\n';
    expect(onHost(src).summary).toMatch(hostCfg.includes('unix') ? /^mimalloc \(#\[global_allocator\] at app\/src\/main.rs:2;/ : /^the system allocator/);
  });

  it('says it cannot tell when a cfg is a custom --cfg rustc did not print', () => {
    const v = onHost('#[cfg(all(unix, my_fast_alloc))]\n#[global_allocator]\nstatic G: mimalloc::MiMalloc = mimalloc::MiMalloc;\n');
    if (!hostCfg.includes('unix')) return;
    expect(v.known).toBe(false);
    expect(v.summary).toBe(`cannot tell: mimalloc at app/src/main.rs:2 behind #[cfg(all(unix, my_fast_alloc))] depends on a cfg rustc does not print for ${host} (a custom --cfg?)`);
  });

  it('debug_assertions is off (release builds) and unknown well-known names are false', () => {
    const lookup = cfgLookup(['debug_assertions', 'unix', 'target_env="gnu"'], new Set());
    expect(lookup('debug_assertions')).toBe(false);
    expect(lookup('target_env', 'musl')).toBe(false);
    expect(lookup('windows')).toBe(false);
    expect(lookup('tokio_unstable')).toBeUndefined();
  });

  it('expands default features', () => {
    expect([...defaultFeatures({ default: ['fast'], fast: ['jemalloc', 'dep:tikv-jemallocator', 'serde/std'], jemalloc: [], other: [] })].sort()).toEqual(['fast', 'jemalloc']);
    expect([...defaultFeatures(undefined)]).toEqual([]);
  });
});
