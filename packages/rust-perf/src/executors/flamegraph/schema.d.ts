export interface FlamegraphExecutorSchema {
  cargoRoot?: string;
  package?: string;
  bin?: string;
  bench?: string;
  /** Nx parses numeric command-line values as numbers. */
  args?: (string | number)[];
  filter?: string;
  profile?: string;
  /** Cargo features to build with (--features), besides the target's own required-features, which are always on. */
  features?: string[] | string;
  frequency?: number;
  callGraph?: string;
  profileTime?: number;
  outputPath?: string;
  installTools?: boolean;
}
