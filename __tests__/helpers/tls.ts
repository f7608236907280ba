// TLS for tests: a throwaway CA and a TLS front for the emulator (shared with `npm run bench`).
export { makeCertificate, startTlsFront } from '../../scripts/tls.js'
export type { Certificate, TlsFront } from '../../scripts/tls.js'
