import { buildKindOf } from '../cargo/build';
import { compileTimeCell } from './report';
import { MissingBuildTargetError, reportBuildPlan } from './plan';

const INFERRED = {
  'build-release': 'rust-perf:build-release',
  'build-native': 'rust-perf:build-native',
  'pgo-profile': 'rust-perf:pgo-profile',
  'build-pgo': 'rust-perf:build-pgo',
  'build-bolt': 'rust-perf:build-bolt',
  doctor: 'rust-perf:doctor',
};

describe('reportBuildPlan', () => {
  it('[perf-report-only-asked] runs the targets of the configurations asked for, and no other', () => {
    expect(reportBuildPlan(['release', 'pgo'], INFERRED, 'app')).toEqual({ nxTargets: ['build-release', 'build-pgo'], fromTarget: { release: 'build-release', pgo: 'build-pgo' }, ownBuilds: [] });
    expect(reportBuildPlan(['dev', 'release+fat-lto'], INFERRED, 'app')).toEqual({ nxTargets: [], fromTarget: {}, ownBuilds: ['dev', 'release+fat-lto'] });
  });

  it('runs pgo-profile for pgo+native (built by the report from its profile), once', () => {
    expect(reportBuildPlan(['pgo+native', 'pgo'], INFERRED, 'app')).toEqual({ nxTargets: ['pgo-profile', 'build-pgo'], fromTarget: { pgo: 'build-pgo' }, ownBuilds: ['pgo+native'] });
    expect(reportBuildPlan(['release', 'release', 'pgo+bolt'], INFERRED, 'app').nxTargets).toEqual(['build-release', 'build-bolt']);
  });

  it('follows renamed targets by executor, preferring the default name when two targets share one', () => {
    const renamed = { release: 'rust-perf:build-release', 'release-fast': 'rust-perf:build-native', 'build-native': 'rust-perf:build-native' };
    expect(reportBuildPlan(['release', 'release+native'], renamed, 'app').fromTarget).toEqual({ release: 'release', 'release+native': 'build-native' });
  });

  it('names the missing target', () => {
    expect(() => reportBuildPlan(['release+native'], { 'build-release': 'rust-perf:build-release' }, 'app')).toThrow(MissingBuildTargetError);
    expect(() => reportBuildPlan(['release+native'], {}, 'app')).toThrow("needs the output of a rust-perf:build-native target, and app has none");
  });
});

describe('compile time: like with like', () => {
  const artifact = (fresh: boolean) => `{"reason":"compiler-artifact","package_id":"x","fresh":${fresh}}`;
  it('reads cold / incremental / fresh from cargo\'s JSON fresh flags', () => {
    expect(buildKindOf([artifact(false), artifact(false)].join('\n'))).toBe('cold');
    expect(buildKindOf([artifact(true), artifact(false)].join('\n'))).toBe('incremental');
    expect(buildKindOf([artifact(true), '{"reason":"build-finished","success":true}'].join('\n'))).toBe('fresh');
  });

  it('[perf-report-compile-time-unlike] compares a cold build only with a cold baseline, and says why not otherwise', () => {
    const coldRelease = { buildSeconds: 85.6, buildKind: 'cold' as const };
    const warmRelease = { buildSeconds: 34.2, buildKind: 'incremental' as const };
    const coldPgo = { buildSeconds: 58.8, buildKind: 'cold' as const };
    expect(compileTimeCell(coldPgo, coldRelease)).toBe('58.8 s cold (-31.3%)');
    // The numbers of the issue: a warm partial release rebuild against a full PGO build printed "+71.9 %".
    expect(compileTimeCell(coldPgo, warmRelease)).toBe("58.8 s cold (the baseline's build was incremental)");
    expect(compileTimeCell(warmRelease, coldPgo)).toBe('34.2 s incremental (compared only when cold)');
    expect(compileTimeCell(coldRelease, coldRelease)).toBe('85.6 s cold');
    expect(compileTimeCell({ buildSeconds: 12, buildKind: undefined }, coldRelease)).toBe('12.0 s cold or incremental: not recorded (compared only when cold)');
    expect(compileTimeCell({ buildSeconds: null, buildKind: 'fresh' }, coldRelease)).toBe('not measured (up to date, nothing compiled)');
  });
});
