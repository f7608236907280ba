import { InputError } from '../inputs.js'
import type { PlatformClient } from '../platform/client.js'
import type { FullTokenContext } from '../platform/token.js'

export interface Target {
  cluster: string
  project: string
  org?: string
}

/** Clusters named in a message at most: a platform may list many. */
const CLUSTERS_NAMED = 20

/**
 * Where the new account points: the inputs first, then the full token's context, then the
 * platform's discovery document. That document is always asked, before anything is made:
 * a cluster the token cannot use is a mistake in the inputs, and the platform would make
 * an account on it anyway.
 */
export async function resolveTarget(
  client: PlatformClient,
  given: { cluster: string; project: string; org: string },
  context: FullTokenContext
): Promise<Target> {
  let cluster = given.cluster || context.cluster
  let project = given.project || context.project
  let org = given.org || context.org
  // The org is taken from the platform only with a project taken from it, as before the check.
  const known = Boolean(cluster && project)
  const config = await client.config()
  if (!config.authorized) {
    throw new Error(
      `the platform at ${client.apiUrl} did not accept the token (GET /config answered "authorized": false)`
    )
  }
  const usable = config.clusters.map(c => c.name)
  if (cluster && !usable.includes(cluster)) {
    const from = given.cluster ? '' : ' (from the full token)'
    throw new InputError(
      'cluster',
      `names cluster "${cluster}"${from}, which this token cannot use; ${clusterList(usable)}`
    )
  }
  cluster ||= usable[0]
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
  if (!known) org ||= chosen?.org_name ?? undefined
  return org ? { cluster, project, org } : { cluster, project }
}

function clusterList(names: string[]): string {
  if (!names.length) return 'it can use none'
  const more = names.length - CLUSTERS_NAMED
  const named = names
    .slice(0, CLUSTERS_NAMED)
    .map(name => JSON.stringify(name.slice(0, 100)))
    .join(', ')
  return `it can use ${named}${more > 0 ? ` and ${more} more` : ''}`
}
