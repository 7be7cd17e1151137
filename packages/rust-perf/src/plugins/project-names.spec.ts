import { projectNames, qualifiedProjectName } from './project-names';

describe('projectNames', () => {
  it('[infer-duplicate-crate-name] keeps a name one package holds, and qualifies every holder of a shared one by its Cargo root', () => {
    const names = projectNames([
      { name: 'service', root: 'apps/b', cargoRoot: 'apps/b' },
      { name: 'service', root: 'apps/a', cargoRoot: 'apps/a' },
      { name: 'common', root: 'rust/common', cargoRoot: 'rust' },
      { name: 'service', root: 'rust/service', cargoRoot: 'rust' },
      { name: 'core', root: 'core', cargoRoot: '.' },
      { name: 'core', root: 'vendor/core', cargoRoot: 'vendor/core' },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'apps/a': 'apps-a-service',
      'apps/b': 'apps-b-service',
      'rust/common': 'common',
      'rust/service': 'rust-service',
      core: 'root-core',
      'vendor/core': 'vendor-core-core',
    });
  });

  it('never yields two projects of one name, even when a package is already called like a qualified name', () => {
    const packages = [
      { name: 'service', root: 'apps/a', cargoRoot: 'apps/a' },
      { name: 'service', root: 'apps/b', cargoRoot: 'apps/b' },
      { name: 'apps-a-service', root: 'x', cargoRoot: 'x' },
      // A root folder with a dash and one without can qualify alike: the package folder breaks the tie.
      { name: 'svc', root: 'a-b', cargoRoot: 'a-b' },
      { name: 'svc', root: 'a/b', cargoRoot: 'a/b' },
    ];
    const names = projectNames(packages);
    expect(new Set(names.values()).size).toBe(packages.length);
    expect(names.get('x')).toBe('apps-a-service');
    expect(names.get('apps/a')).not.toBe('apps-a-service');
    expect(qualifiedProjectName({ name: 'svc', root: 'a/b', cargoRoot: 'a/b' })).toBe('a-b-svc');
  });
});
