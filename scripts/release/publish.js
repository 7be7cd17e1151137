// rust-perf's `nx-release-publish` target (run by `nx release` / `nx release publish`): packs the built
// package with npm and publishes that tarball. With --dryRun it only lists what the tarball would hold
// (`npm pack --dry-run`), offline. Nx forwards its publish options as --key=value arguments; the ones npm
// understands (registry, tag, otp, access) are passed on, the rest ignored.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.resolve(__dirname, '../../packages/rust-perf');
const outDir = path.resolve(__dirname, '../../dist/release');

function parseArgs(argv) {
  const args = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) args[m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = m[2] ?? 'true';
  }
  return args;
}

function npm(args, cwd) {
  const npmCli = process.env.npm_execpath;
  // Through npm's own JS entry when run from an npm script, else the npm on PATH.
  const [file, argv] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  const r = spawnSync(file, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    throw new Error(`npm ${args.join(' ')} exited with ${r.status}`);
  }
  return r.stdout;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const dryRun = args.dryRun === 'true';
  if (!fs.existsSync(path.join(pkgDir, 'dist', 'index.js'))) throw new Error('packages/rust-perf/dist is missing: run `nx run rust-perf:build` first');

  fs.mkdirSync(outDir, { recursive: true });
  const packArgs = ['pack', '--json', ...(dryRun ? ['--dry-run'] : ['--pack-destination', outDir])];
  const [packed] = JSON.parse(npm(packArgs, pkgDir));
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`${packed.id}: ${packed.entryCount} files, ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked, sha512 ${packed.integrity.slice(7, 23)}…`);
  for (const f of packed.files) console.log(`  ${kb(f.size).padStart(9)}  ${f.path}`);

  if (dryRun) {
    console.log(`dry run: nothing published; a real run publishes this tarball under the version nx release writes${args.registry ? ` to ${args.registry}` : ''}${args.tag ? ` with tag ${args.tag}` : ''}`);
    return;
  }
  const tarball = path.join(outDir, packed.filename);
  const publishArgs = ['publish', tarball];
  for (const key of ['registry', 'tag', 'otp', 'access']) if (args[key] && args[key] !== 'undefined') publishArgs.push(`--${key}`, args[key]);
  process.stdout.write(npm(publishArgs, pkgDir));
  console.log(`published ${packed.id} from ${path.relative(process.cwd(), tarball)}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
