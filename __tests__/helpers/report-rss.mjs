// Preloaded into a step (NODE_OPTIONS=--import=...) to report its peak memory: writes the
// process's maximum resident set size in KiB to the file RSS_REPORT names, at exit.
import { writeFileSync } from 'node:fs'

process.on('exit', () => writeFileSync(process.env.RSS_REPORT ?? 'rss', String(process.resourceUsage().maxRSS)))
