import type { AllocatorName } from '../../core/allocator/allocator';

export interface AllocatorGeneratorSchema {
  project: string;
  allocator?: AllocatorName;
  cargoRoot?: string;
}
