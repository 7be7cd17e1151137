// Counting work instead of timing it: valgrind's simulated counts, DHAT's heap counts, perf stat's
// hardware counts, and the binaries and args counted runs use.
export * from './cachegrind';
export * from './dhat';
export * from './dhat-sites';
export * from './hardware';
export * from './count';
export * from './counted-build';
export * from './count-args';
export * from './format';
export * from './peak-rss';
export * from './before-after';
export * from './repeat';
