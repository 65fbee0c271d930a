// `npm run audit:checkpoint`: print the head of the audit chain (sequence and hash)
// as JSON, to keep somewhere an attacker with the database cannot reach (a ticket,
// an email, a printout). `npm run audit:verify -- --checkpoint-file <file>` then
// proves the chain still contains exactly that head, so a rebuilt chain is caught.
import { cliDb, closeDeps, fail } from "./common.js";
import { systemClock } from "../clock.js";
import { GENESIS_HASH } from "../audit/chain.js";
import { auditStore } from "../audit/store.js";

const deps = cliDb();
const result = await auditStore(deps.db).verify();
const at = systemClock.now().toISOString();
closeDeps(deps);
if (!result.ok) fail(`Audit chain BROKEN at seq ${result.firstBadSeq}: ${result.problem}. No checkpoint printed.`, 1);
const head = result.head ?? { seq: 0, hash: GENESIS_HASH };
console.log(JSON.stringify({ seq: head.seq, hash: head.hash, entries: result.entries, at }));
