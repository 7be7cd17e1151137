import { allocatorBlock, allocatorDependencyPath, binTargets, planAllocatorSource } from './allocator';

describe('planAllocatorSource', () => {
  it('inserts after inner doc comments and attributes, gated off macOS and MSVC', () => {
    const src = '//! The binary.\n#![deny(unsafe_code)]\n\nuse std::io;\n\nfn main() {}\n';
    const edit = planAllocatorSource(src, 'jemalloc', 'src/main.rs');
    expect(edit).toEqual({
      kind: 'insert',
      text: '//! The binary.\n#![deny(unsafe_code)]\n\n// Added by `nx g rust-perf:allocator`: jemalloc as the global allocator, except on macOS and\n// MSVC, which keep the system allocator, and with `--features system-allocator` (perf-report compares both).\n#[cfg(all(not(target_os = "macos"), not(target_env = "msvc"), not(feature = "system-allocator")))]\n#[global_allocator]\nstatic GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;\n\nuse std::io;\n\nfn main() {}\n',
    });
  });

  it('inserts at the top when there are no inner attributes', () => {
    const edit = planAllocatorSource('fn main() {}\n', 'mimalloc', 'm.rs');
    expect(edit).toEqual({ kind: 'insert', text: `${allocatorBlock('mimalloc')}\nfn main() {}\n` });
  });

  it('is idempotent', () => {
    const once = planAllocatorSource('fn main() {}\n', 'jemalloc', 'm.rs');
    if (once.kind !== 'insert') throw new Error('expected insert');
    expect(planAllocatorSource(once.text, 'jemalloc', 'm.rs')).toEqual({ kind: 'unchanged' });
  });

  it.each([
    ['another allocator', '#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\nfn main() {}\n', 'src/main.rs:1: a #[global_allocator] is already defined; remove it first to install jemalloc.'],
    ['ours with the other allocator', allocatorBlock('mimalloc') + 'fn main() {}\n', 'src/main.rs:4: a #[global_allocator] is already defined'],
  ])('refuses when %s exists', (_n, src, reason) => {
    const edit = planAllocatorSource(src, 'jemalloc', 'src/main.rs');
    expect(edit.kind).toBe('refuse');
    expect(edit.kind === 'refuse' && edit.reason).toContain(reason);
  });

  it('ignores a commented-out #[global_allocator]', () => {
    expect(planAllocatorSource('// #[global_allocator]\nfn main() {}\n', 'jemalloc', 'm.rs').kind).toBe('insert');
  });
});

it('puts the dependency under the same cfg', () => {
  expect(allocatorDependencyPath('jemalloc')).toEqual(['target', 'cfg(all(not(target_os = "macos"), not(target_env = "msvc")))', 'dependencies', 'tikv-jemallocator']);
});

describe('binTargets', () => {
  it.each([
    ['[[bin]] with path', { package: { name: 'md' }, bin: [{ name: 'md', path: 'src/main.rs' }] }, ['src/main.rs'], [], [{ name: 'md', path: 'src/main.rs' }]],
    ['auto main.rs', { package: { name: 'md' } }, ['src/main.rs'], [], [{ name: 'md', path: 'src/main.rs' }]],
    ['src/bin files', { package: { name: 'md' } }, [], ['tool.rs', 'x.txt'], [{ name: 'tool', path: 'src/bin/tool.rs' }]],
    ['[[bin]] without path', { package: { name: 'md' }, bin: [{ name: 'other' }] }, [], [], [{ name: 'other', path: 'src/bin/other.rs' }]],
    ['autobins = false', { package: { name: 'md', autobins: false } }, ['src/main.rs'], [], []],
    ['library only', { package: { name: 'lib' } }, [], [], []],
  ])('%s', (_n, manifest, existing, binDirFiles, expected) => {
    expect(binTargets(manifest, { exists: (p) => (existing as string[]).includes(p), binDirFiles: binDirFiles as string[] })).toEqual(expected);
  });
});
