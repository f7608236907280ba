// Mutation testing (README, "Mutation testing"): `npm run mutate`.
// Incremental: reports/stryker-incremental.json is committed, so a run re-tests only the
// mutants whose code or covering tests changed since it was written.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/**/*.ts',
    // Declarations only: nothing runs.
    '!src/types/**',
    // One constant, checked against package.json by __tests__/version.test.ts; a mutant of
    // the user-agent text changes nothing a test (or the platform) can observe.
    '!src/version.ts',
    // The bundle's entry: a V8 flag for start-up time and two re-exports; only the built
    // dist/ shows its effect (scripts/bench.js measures it).
    '!src/index.ts'
  ],
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // The unit tests. Left out: the end-to-end tests, which run dist/ (it holds no mutant) and
    // take minutes; action-metadata, which reads src/ as text (instrumented, it differs).
    config: {
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/e2e/', '/__tests__/action-metadata\\.test\\.ts$'],
      reporters: ['default']
    }
  },
  // Jest runs ESM only with Node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  // The machine is small and shared.
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
