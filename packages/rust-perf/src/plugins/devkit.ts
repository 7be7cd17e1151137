// @nx/devkit takes ~225 ms to load in each Nx plugin worker (measured: require('@nx/devkit') in the
// 1000-crate bench workspace), while inference needs it only to report an error or a warning. So the
// plugin entry imports types only and loads the runtime on first use.
import type * as Devkit from '@nx/devkit';

let loaded: typeof Devkit | undefined;

export function devkit(): typeof Devkit {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('@nx/devkit') as typeof Devkit;
  return loaded;
}
