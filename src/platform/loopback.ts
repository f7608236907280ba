import { isIPv4 } from 'node:net'

/** Loopback hosts as URL's `hostname` writes them: the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  // URL writes an IPv4 address, however it was given, as four decimal parts.
  return hostname === 'localhost' || hostname === '[::1]' || (isIPv4(hostname) && hostname.startsWith('127.'))
}
