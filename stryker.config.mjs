// Mutation testing (CONTRIBUTING.md, "Mutation testing"): `npm run mutate`.
// Incremental: reports/stryker-incremental.json is committed, so a run re-tests only the
// mutants whose code or covering tests changed since it was written.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/**/*.ts',
    // One constant, checked against package.json by __tests__/version.test.ts; a mutant of
    // the user-agent text changes nothing a test (or the platform) can observe.
    '!src/version.ts',
    // The bundle's entry: two re-exports, run only through the built dist/ (the e2e tests).
    '!src/index.ts'
  ],
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // The unit tests. Left out: action-metadata, which reads src/ as text (instrumented, it
    // differs), and the end-to-end tests, which run dist/: a bundle holds no mutant, and
    // making them see the active one (a bundle per mutant, or src/ through a loader) would
    // cost minutes per mutant on a 2-core machine. What only they reached, the unit tests
    // now reach in-process (__tests__/helpers/in-process.ts). local-action runs src/ in a
    // child process of @github/local-action's, which holds no mutant either.
    config: {
      testPathIgnorePatterns: [
        '/node_modules/',
        '/__tests__/e2e/',
        '/__tests__/action-metadata\\.test\\.ts$',
        '/__tests__/local-action\\.test\\.ts$'
      ],
      reporters: ['default']
    }
  },
  // Jest runs ESM only with Node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant, such as a limit or a set of retried codes) has
  // no per-test coverage, so each runs every unit test: about a minute here, for each of
  // about a hundred. They are left out (reported as ignored); the constants that carry a
  // promise have tests of their own (the 4 MiB, 64 KiB and 64 MiB caps, the retry table).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  // The machine is small and shared.
  concurrency: 2,
  // Each jest runner's memory grows with every mutant it runs; a fresh one keeps the pace.
  maxTestRunnerReuse: 40,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
