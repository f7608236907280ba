// Ends every jest run with one plain line, `jest: N passed, N failed`, that CI logs can count.
export default class SummaryReporter {
  /** @param {unknown} _contexts @param {{numPassedTests: number, numFailedTests: number, numPendingTests: number}} results */
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests ? `, ${results.numPendingTests} skipped` : ''
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped}\n`
    // At exit, so that it follows jest's own summary.
    process.once('exit', () => process.stderr.write(line))
  }
}
