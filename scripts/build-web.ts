/**
 * Builds the console (web/) into web/dist with Vite: `npm run build:web`.
 * The server also builds it on first use when web/dist is missing or stale.
 */
import { buildConsole } from '../src/http/console-build.ts';

await buildConsole((line) => console.log(line));
