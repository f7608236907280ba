/**
 * Loading Node's TLS (Node 24) starts reading its root certificates on another thread. For an
 * https API it is loaded before the client's code compiles, so that the reading overlaps that
 * work instead of holding up the first connection (README, "Performance": "TLS loads early").
 */
export function loadTlsEarly(apiUrl: string): void {
  if (apiUrl.startsWith('https:')) process.getBuiltinModule('node:tls')
}
