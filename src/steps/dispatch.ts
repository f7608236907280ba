import { readInputs } from '../inputs.js'
import { errorMessage } from '../platform/errors.js'
import * as runner from '../runner.js'
import { get } from './get.js'
import { list } from './list.js'
import { pruneStale } from './prune.js'
import { rm } from './rm.js'

/** The main step: one operation, its outputs, and for create the state that post needs. */
export async function runOperation(): Promise<void> {
  try {
    const inputs = readInputs(runner.readInput, runner.mask)
    // The client (and undici with it) and the create step load only once the inputs are good.
    const { createClient } = await import('../client-factory.js')
    const client = await createClient(inputs, runner.debug)
    runner.setOutput('api-url', inputs.apiUrl)
    switch (inputs.operation) {
      case 'create': {
        const { runCreate } = await import('./create.js')
        return await runCreate(client, inputs)
      }
      case 'list':
        return await list(client)
      case 'get':
        return await get(client, inputs.name)
      case 'rm':
        return await rm(client, inputs.name)
      case 'prune':
        return await pruneStale(client, inputs)
    }
  } catch (error) {
    runner.setFailed(errorMessage(error))
  }
}
