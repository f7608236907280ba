import { InputError } from '../inputs.js'
import type { PlatformClient } from '../platform/client.js'
import type { FullTokenContext } from '../platform/token.js'

export interface Target {
  cluster: string
  project: string
  org?: string
}

/**
 * Where the new account points: the inputs first, then the full token's context, then the
 * platform's discovery document, asked only when cluster or project is still unknown.
 */
export async function resolveTarget(
  client: PlatformClient,
  given: { cluster: string; project: string; org: string },
  context: FullTokenContext
): Promise<Target> {
  let cluster = given.cluster || context.cluster
  let project = given.project || context.project
  let org = given.org || context.org
  if (!cluster || !project) {
    const config = await client.config()
    if (!config.authorized) {
      throw new Error(
        `the platform at ${client.apiUrl} did not accept the token (GET /config answered "authorized": false)`
      )
    }
    cluster ||= config.clusters[0]?.name
    if (!cluster) throw new InputError('cluster', 'is needed: the platform config lists no cluster to default to')
    const onCluster = config.projects.filter(
      p => p.cluster_name === cluster && (!org || !p.org_name || p.org_name === org)
    )
    const chosen = project ? onCluster.find(p => p.name === project) : onCluster[0]
    project ||= chosen?.name
    if (!project) {
      throw new InputError(
        'project',
        `is needed: the platform config lists no project on cluster "${cluster}" to default to`
      )
    }
    org ||= chosen?.org_name ?? undefined
  }
  return org ? { cluster, project, org } : { cluster, project }
}
