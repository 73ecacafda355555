// A process that logs through the server's log destination, for the spec of its batching
// (test/observability/server-log.test.ts). Arguments: the flush interval in ms, how many lines to log, and
// whether to exit at once after them ("exit") or stay up until killed ("stay").
import { createLogger, serverLogDestination } from '../../../src/observability/logger.js';

const [flushMs, lines, then] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const logger = createLogger('info', serverLogDestination({ bytes: 4096, ms: flushMs }));
for (let i = 1; i <= lines; i++) logger.info({ line: i, padding: 'x'.repeat(80) }, 'logged');
if (then === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
