// @frontdesk/server/testing: what tests and benches outside src/ use to run
// the server for real (e2e/, bench/). No vitest in here: Playwright and plain
// node import it. Tests inside src/ import the helpers of this folder directly.

export { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
export { freePort } from './ports.js';
export { clientFor, loginAt, ServerRotation, startServerProcess, subscribeRemote, type RemoteSubscriber, type ServerProcess } from './remote.js';
export { postImport, type ImportAnswer } from './imports.js';
