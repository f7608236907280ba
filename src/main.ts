import { runOperation } from './steps/dispatch.js'

/** The main step (action.yml's `runs.main`): the operation the inputs ask for. */
export async function run(): Promise<void> {
  await runOperation()
}
