// Which Nx majors this package supports: exactly its peerDependencies range on nx, which the e2e
// matrix installs one version of each major for. Pure, so the range and the message have unit tests.

/** The majors of a `>=A.0.0 <B.0.0` range, the one form package.json uses (one place to change). */
export function supportedMajors(range: string): number[] {
  const m = /^>=(\d+)\.0\.0 <(\d+)\.0\.0$/.exec(range.trim());
  if (!m) throw new Error(`rust-perf's package.json peerDependencies.nx must read ">=A.0.0 <B.0.0"; got "${range}"`);
  const [lo, hi] = [Number(m[1]), Number(m[2])];
  return Array.from({ length: hi - lo }, (_, i) => lo + i);
}

/** Null when `nxVersion` is supported; otherwise the message a user can act on. */
export function unsupportedNxMessage(nxVersion: string, range: string, pluginVersion: string): string | null {
  const majors = supportedMajors(range);
  const major = Number(/^(\d+)\./.exec(nxVersion)?.[1]);
  if (majors.includes(major)) return null;
  const list = `${majors.slice(0, -1).join(', ')} or ${majors[majors.length - 1]}`;
  const fix =
    major < majors[0]
      ? `Fix: upgrade the workspace with \`nx migrate ${majors[0]}\` (then \`npm install\` and \`nx migrate --run-migrations\`), or stay on your Nx and do not install rust-perf ${pluginVersion}.`
      : `Fix: install the Nx the workspace supports for now (\`npm install -D nx@${majors[majors.length - 1]}\`), or a rust-perf release whose peerDependencies include Nx ${major} once there is one.`;
  return `rust-perf ${pluginVersion} supports Nx ${list} (peerDependencies nx "${range}"); this workspace runs nx ${nxVersion}, which it was not tested with and whose @nx/devkit it cannot load. ${fix}`;
}
