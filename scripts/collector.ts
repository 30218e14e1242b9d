/**
 * `npm run collector -- <command>`: the collector's command line (apps/collector/src/cli.ts).
 * `start` keeps running until a signal; every other command exits with its code when done.
 */
import { runCli } from '../apps/collector/src/cli';

const argv = process.argv.slice(2);
const code = await runCli(argv);
if (code !== 0 || argv[0] !== 'start') process.exit(code);
