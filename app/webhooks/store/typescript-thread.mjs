// Starts a thread whose module is TypeScript source (tests, `tsx`): the production build runs
// the compiled .js module directly (thread.server.ts). Node's worker threads do not take the
// parent's loader, so tsx loads the module here. Plain JavaScript: it is what loads TypeScript.
import { tsImport } from "tsx/esm/api";

await tsImport(process.argv[2], import.meta.url);
