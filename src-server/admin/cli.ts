/** `npm run admin`: see ./run.ts. A refusal is one line on stderr and exit 1. */
import { AdminError } from './command';
import { runAdmin } from './run';

runAdmin(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  print: (line) => console.log(line),
}).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(
      `relay-admin: ${err instanceof AdminError ? err.message : err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  },
);
