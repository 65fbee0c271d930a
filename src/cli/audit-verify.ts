// `npm run audit:verify [-- --checkpoint <seq>:<hash> | --checkpoint-file <file>] [--json]`
// Walks the audit hash chain, then compares every HR record, staff and team row with
// what the chain says was written. Exit 0 when both hold; exit 1 naming the first bad
// sequence number when an audit row was edited, deleted, or the chain was rebuilt
// (the last one only shows against a checkpoint kept elsewhere), or naming each
// record field that was changed outside the service.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { cliDb, closeDeps, fail } from "./common.js";
import { parseCheckpoint, type Checkpoint } from "../audit/chain.js";
import { verifyAuditAndRecordsAsync } from "../audit/records-check.js";

const USAGE = `Usage: npm run audit:verify [-- --checkpoint <seq>:<hash> | --checkpoint-file <file>] [--json]`;

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        checkpoint: { type: "string" },
        "checkpoint-file": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${(e as Error).message.split("\n")[0]}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  let checkpoint: Checkpoint | undefined;
  const source = args.checkpoint ?? (args["checkpoint-file"] !== undefined ? readCheckpointFile(args["checkpoint-file"]) : undefined);
  if (source !== undefined) {
    checkpoint = parseCheckpoint(source);
    if (!checkpoint) fail(`Not a checkpoint: expected <seq>:<64 hex hash> or the JSON printed by npm run audit:checkpoint.`);
  }

  const deps = cliDb();
  const result = await verifyAuditAndRecordsAsync(deps.db, checkpoint);
  closeDeps(deps);
  if (args.json) console.log(JSON.stringify(result));
  if (result.ok) {
    if (!args.json) {
      const head = result.head ? `head seq ${result.head.seq} hash ${result.head.hash}` : "empty chain";
      console.log(`Audit chain intact: ${result.entries} entries, ${head}${checkpoint ? `; matches checkpoint at seq ${checkpoint.seq}` : ""}.`);
      console.log(`Records match the chain: ${result.records.checked} rows checked.`);
    }
    process.exit(0);
  }
  if (!args.json) {
    if (result.firstBadSeq !== undefined) console.log(`Audit chain BROKEN at seq ${result.firstBadSeq}: ${result.problem}. ${result.entries} entries verified before it.`);
    else console.log(`Audit chain intact: ${result.entries} entries.`);
    if (result.records.mismatchCount) {
      console.log(`Records DIFFER from the chain: ${result.records.mismatchCount} field(s) in ${result.records.checked} rows checked.`);
      const what = { changed: "changed outside the service", not_in_chain: "row not written through the service", missing: "row deleted" } as const;
      for (const m of result.mismatches) console.log(`  ${m.entity} ${m.id} ${m.field === "*" ? "" : `${m.field}: `}${what[m.problem]}`);
      if (result.mismatches.length < result.records.mismatchCount) console.log(`  ... and ${result.records.mismatchCount - result.mismatches.length} more`);
    }
  }
  process.exit(1);
}

function readCheckpointFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    fail(`Cannot read ${path}: ${(e as Error).message}`);
  }
}

await main();
