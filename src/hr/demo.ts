// Stub so `npm run demo` runs; the owner of src/hr replaces it with real demo data.
import type { Deps } from "../deps.js";
import type { DemoCast } from "../demo/cast.js";

export async function seedHr(_deps: Deps, _cast: DemoCast): Promise<void> {}
