// Imported first by every entry point Nx loads (plugin, generators, executors, migrations), before
// @nx/devkit: an @nx/devkit of a supported major fails inside an unsupported Nx with "Cannot find
// module 'nx/src/…'" and a stack trace; this says which Nx is supported instead. npm refuses the
// install first (ERESOLVE on the peer range); this covers --force / --legacy-peer-deps and pnpm/yarn,
// which only warn.
import { unsupportedNxMessage } from './core/nx-support';

function check(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const own = require('../package.json') as { version: string; peerDependencies: { nx: string } };
  let nxVersion: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    nxVersion = (require('nx/package.json') as { version: string }).version;
  } catch {
    return; // No nx to compare with (e.g. a tool loading the package outside a workspace).
  }
  const message = unsupportedNxMessage(nxVersion, own.peerDependencies.nx, own.version);
  if (message !== null) throw new Error(message);
}

check();
