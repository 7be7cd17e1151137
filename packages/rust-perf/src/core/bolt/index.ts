// The BOLT pieces other areas use (perf-report's `pgo+bolt` row, doctor).
export { boltBinDir, boltProfileDir, BOLT_OPTIMIZE_OPTIONS, BOLT_REPORT_CONFIGURATION, checkBoltTarget, optimizeArgv } from './plan';
export { checkBoltInput, readElf, type ElfFacts } from './elf';
export { readBoltRecord, type BoltProfileRecord } from './record';
export { findLlvmBolt, type LlvmBolt } from '../toolchain/llvm-bolt';
