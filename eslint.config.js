// Lint: typescript-eslint's recommended rules, plus the project's own: no shell strings.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'examples/**', '**/target/**', '**/__fixtures__/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'child_process', message: 'Use core/process/run.ts (argv arrays, one runner).' },
            { name: 'node:child_process', message: 'Use core/process/run.ts (argv arrays, one runner).' },
          ],
          patterns: [{ group: ['@nx/devkit/*', '!@nx/devkit/testing', 'nx/src/*'], message: 'Import only the public @nx/devkit entry (and @nx/devkit/testing in specs).' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'No shell: every process goes through core/process/run.ts with argv arrays.' },
      ],
    },
  },
  {
    files: ['packages/rust-perf/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'child_process', message: 'Use core/process/run.ts (argv arrays, one runner).' },
            { name: 'node:child_process', message: 'Use core/process/run.ts (argv arrays, one runner).' },
          ],
          patterns: [{ group: ['@nx/devkit', '@nx/devkit/*', 'nx', 'nx/*'], message: 'core/ is pure: no Nx imports (generators and executors adapt it).' }],
        },
      ],
    },
  },
  {
    // The one runner is the only module that may spawn.
    files: ['packages/rust-perf/src/core/process/run.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nx/devkit', '@nx/devkit/*', 'nx', 'nx/*'], message: 'core/ is pure: no Nx imports (generators and executors adapt it).' }] },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
