import { startEmbeddedPostgres } from '../db/embedded.js';
import { readPidFile } from '../db/embedded/leftover.js';

// A stand-in for a server process in the crash tests: starts the embedded
// cluster of `dataDir` on `port`, says where it is, and runs until killed.
const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) throw new Error('usage: embedded-process.ts <dataDir> <port>');
const db = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'frontdesk', onNotice: (message) => console.log(`notice: ${message}`) });
const file = await readPidFile(db.dataDir);
console.log(`ready ${file?.pid ?? 0} ${db.url()}`);
setInterval(() => undefined, 60_000);
