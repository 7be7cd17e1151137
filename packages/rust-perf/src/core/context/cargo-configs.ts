// Cargo's config files as cargo finds them: $CARGO_HOME's, then every `.cargo/` from / down to cwd.
// Read once per run (core/context/run-context.ts) and shared by the rustflags planner, the
// target-dir lookup and the provenance log.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseToml, type TomlTable } from '../toml/toml';

export interface CargoConfigFile {
  file: string;
  table: TomlTable;
  /** The file's text, for what only comments say (which tables init wrote). */
  text?: string;
}

/** Cargo's config files for cwd, lowest precedence first ($CARGO_HOME, then / … cwd). */
export function findCargoConfigs(cwd: string, env: NodeJS.ProcessEnv): CargoConfigFile[] {
  const dirs: string[] = [];
  let dir = path.resolve(cwd);
  for (;;) {
    dirs.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const cargoHome = path.resolve(env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'));
  const files: string[] = [];
  const pick = (base: string) => {
    // Cargo reads `config` when both exist (and warns); `config.toml` otherwise.
    for (const name of ['config', 'config.toml']) {
      const f = path.join(base, name);
      if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    }
    return undefined;
  };
  const home = pick(cargoHome);
  if (home) files.push(home);
  for (const d of dirs) {
    const f = pick(path.join(d, '.cargo'));
    if (f && !files.includes(f)) files.push(f);
  }
  return files.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return { file, table: parseToml(text, file), text };
  });
}

