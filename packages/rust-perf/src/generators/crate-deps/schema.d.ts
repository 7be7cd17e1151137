import type { PresetName } from '../../core/deps/deps';

export interface CrateDepsGeneratorSchema {
  project: string;
  preset?: PresetName;
  /** Comma-separated names, `name:feature+feature` for extra features. */
  deps?: string;
  cargoRoot?: string;
  force?: boolean;
}
