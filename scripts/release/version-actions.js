// `nx release version` for the one npm package this repository publishes (packages/rust-perf).
// Nx's default implementation lives in @nx/js, which this repository does not otherwise need; this
// one reads and writes the "version" of package.json and nothing else: the package has no
// dependency on another project of the repository.
const { VersionActions } = require('nx/release');
const fs = require('node:fs');
const path = require('node:path');

class PackageJsonVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = path.posix.join(this.projectGraphNode.data.root, 'package.json');
    const version = JSON.parse(tree.read(manifestPath, 'utf-8')).version;
    if (typeof version !== 'string') throw new Error(`${manifestPath} has no "version" string`);
    return { currentVersion: version, manifestPath };
  }

  // Offline by design: the current version comes from package.json or a git tag, never the registry.
  async readCurrentVersionFromRegistry() {
    return null;
  }

  async readCurrentVersionOfDependency() {
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const text = tree.read(manifestPath, 'utf-8');
      const json = JSON.parse(text);
      json.version = newVersion;
      // package.json keeps its two-space layout; only the version line changes.
      tree.write(manifestPath, JSON.stringify(json, null, 2) + '\n');
      logs.push(`New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies() {
    return [];
  }
}

/** The root package-lock.json records each workspace package's version; `npm ci` needs it to match. */
async function afterAllProjectsVersioned(cwd, { dryRun }) {
  const lockPath = path.join(cwd, 'package-lock.json');
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  const entry = lock.packages?.['packages/rust-perf'];
  const version = JSON.parse(fs.readFileSync(path.join(cwd, 'packages/rust-perf/package.json'), 'utf8')).version;
  if (!entry || entry.version === version) return { changedFiles: [], deletedFiles: [] };
  entry.version = version;
  if (!dryRun) fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
}

module.exports = PackageJsonVersionActions;
module.exports.default = PackageJsonVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
