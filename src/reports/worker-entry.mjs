// Entry point of a report worker thread. Plain JavaScript, because a worker thread
// does not inherit the TypeScript loader: under `npm start` (tsx) the main thread has
// it from the command line, under vitest it has none. So register tsx here, in this
// thread, then load the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
