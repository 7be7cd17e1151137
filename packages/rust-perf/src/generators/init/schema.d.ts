import type { CpuChoice } from '../../core/cargo-config/plan';
import type { LinkerChoice } from '../../core/cargo-config/linker';
import type { LtoChoice, PanicChoice } from '../../core/profiles/profiles';

export interface InitGeneratorSchema {
  /** One Cargo root, or several (`--cargoRoot a --cargoRoot b`); default: every root found. */
  cargoRoot?: string | string[];
  lto?: LtoChoice;
  panic?: PanicChoice;
  cpu?: CpuChoice;
  linker?: LinkerChoice;
  force?: boolean;
  skipProfiles?: boolean;
  /** Leave the dev, test and bench profiles as they were: no dev or bench rows, and bench pinned where it would inherit init's release values. */
  keepEverydayProfiles?: boolean;
  skipConfig?: boolean;
  /** Add the low-latency set to [workspace.dependencies] (default false). */
  deps?: boolean;
  /** Deprecated: dependencies are only written with --deps. */
  skipDeps?: boolean;
  /** Passed by `nx add`; accepted and ignored. */
  keepExistingVersions?: boolean;
  updatePackageScripts?: boolean;
  skipFormat?: boolean;
}
