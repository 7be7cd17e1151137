// Installs a #[global_allocator] in a binary's source, gated off macOS (the system allocator is
// usually faster there) and MSVC (jemalloc does not build with it), with the dependency under the
// same cfg in Cargo.toml so those targets do not even compile it.
export type AllocatorName = 'jemalloc' | 'mimalloc';

export interface AllocatorSpec {
  crate: string;
  type: string;
}

export const ALLOCATORS: Record<AllocatorName, AllocatorSpec> = {
  jemalloc: { crate: 'tikv-jemallocator', type: 'tikv_jemallocator::Jemalloc' },
  mimalloc: { crate: 'mimalloc', type: 'mimalloc::MiMalloc' },
};

export const ALLOCATOR_CFG = 'all(not(target_os = "macos"), not(target_env = "msvc"))';

/** A Cargo feature that turns the allocator off, so perf-report can measure what it buys on the same code. */
export const SYSTEM_ALLOCATOR_FEATURE = 'system-allocator';

const BLOCK_CFG = `all(not(target_os = "macos"), not(target_env = "msvc"), not(feature = "${SYSTEM_ALLOCATOR_FEATURE}"))`;

/** Cargo.toml path of the gated dependency: [target.'cfg(…)'.dependencies] <crate>. */
export function allocatorDependencyPath(name: AllocatorName): string[] {
  return ['target', `cfg(${ALLOCATOR_CFG})`, 'dependencies', ALLOCATORS[name].crate];
}

export function allocatorBlock(name: AllocatorName): string {
  const { type } = ALLOCATORS[name];
  return [
    `// Added by \`nx g rust-perf:allocator\`: ${name} as the global allocator, except on macOS and`,
    `// MSVC, which keep the system allocator, and with \`--features ${SYSTEM_ALLOCATOR_FEATURE}\` (perf-report compares both).`,
    `#[cfg(${BLOCK_CFG})]`,
    '#[global_allocator]',
    `static GLOBAL: ${type} = ${type};`,
    '',
  ].join('\n');
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

export type AllocatorEdit = { kind: 'insert'; text: string } | { kind: 'unchanged' } | { kind: 'refuse'; reason: string };

/** Plans the edit of one binary source file. */
export function planAllocatorSource(src: string, name: AllocatorName, file: string): AllocatorEdit {
  const code = stripComments(src);
  if (/#\s*\[\s*global_allocator\s*\]/.test(code)) {
    if (src.includes(allocatorBlock(name).trimEnd())) return { kind: 'unchanged' };
    const line = src.split('\n').findIndex((l) => /#\s*\[\s*global_allocator\s*\]/.test(l) && !l.trim().startsWith('//')) + 1;
    return { kind: 'refuse', reason: `${file}:${line}: a #[global_allocator] is already defined; remove it first to install ${name}.` };
  }
  // After the crate's inner doc comments and attributes (//! and #![…]), which must come first.
  const lines = src.split('\n');
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t.startsWith('//!') || t.startsWith('#![')) at = i + 1;
    else if (t === '' || t.startsWith('//')) continue;
    else break;
  }
  const before = lines.slice(0, at).join('\n');
  const after = lines.slice(at).join('\n');
  const text = at === 0 ? `${allocatorBlock(name)}\n${src}` : `${before}\n\n${allocatorBlock(name)}${after.startsWith('\n') ? '' : '\n'}${after}`;
  return { kind: 'insert', text };
}

export interface BinTarget {
  name: string;
  path: string;
}

/**
 * The binary sources of a package, relative to the package root: each [[bin]] (its path, or
 * src/bin/<name>.rs, or src/main.rs for the package's own name), then cargo's auto-discovered
 * src/main.rs and src/bin/*.rs unless `autobins = false`.
 */
export function binTargets(manifest: { package?: { name?: string; autobins?: boolean }; bin?: Array<{ name?: string; path?: string }> }, files: { exists(rel: string): boolean; binDirFiles: string[] }): BinTarget[] {
  const pkg = manifest.package?.name ?? '';
  const out: BinTarget[] = [];
  for (const b of manifest.bin ?? []) {
    const name = b.name ?? pkg;
    const path = b.path ?? (name === pkg && files.exists('src/main.rs') ? 'src/main.rs' : `src/bin/${name}.rs`);
    out.push({ name, path });
  }
  if (manifest.package?.autobins !== false) {
    if (files.exists('src/main.rs') && !out.some((b) => b.path === 'src/main.rs')) out.push({ name: pkg, path: 'src/main.rs' });
    for (const f of files.binDirFiles.filter((f) => f.endsWith('.rs')).sort()) {
      const path = `src/bin/${f}`;
      if (!out.some((b) => b.path === path)) out.push({ name: f.slice(0, -3), path });
    }
  }
  return out;
}
