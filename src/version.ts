/** Kept equal to package.json's version by a test. */
export const VERSION = '1.0.0'

export const USER_AGENT = `apolo-service-account-action/${VERSION} (node ${process.version}; ${process.platform})`
