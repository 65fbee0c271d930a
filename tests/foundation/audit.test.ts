// The audit chain: every write leaves a row, rows refuse UPDATE/DELETE, and
// tampering is found even by someone who dropped the triggers first.
import { beforeEach, describe, expect, it } from "vitest";
import { asc } from "drizzle-orm";
import { testEnv, type TestEnv } from "../helpers.js";
import { auditLog } from "../../src/audit/schema.js";
import { parseCheckpoint, rowHash, GENESIS_HASH } from "../../src/audit/chain.js";
import { chainHead, verifyChain } from "../../src/audit/store.js";

let env: TestEnv;
const expectInvalidQuery = (res: { status: number; body: { errors?: { path: string }[] } }) => {
  expect(res.status).toBe(400);
  expect(res.body.errors?.map((e) => e.path)).toContain("limit");
};
let admin: Awaited<ReturnType<TestEnv["person"]>>;
const sql = (s: string, ...args: unknown[]) => env.deps.db.$client.prepare(s).run(...args);
const dropTriggers = () => env.deps.db.$client.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");

beforeEach(async () => {
  env = await testEnv();
  admin = await env.person({ roles: ["admin"] });
  for (let i = 1; i <= 4; i++) {
    const res = await admin.client.post("/api/staff", { name: `Worker ${i}`, email: `w${i}@test.example`, roles: ["amhp"], team: "North" });
    expect(res.status).toBe(201);
  }
});

describe("audit chain", () => {
  it("every write appended a row linked to the one before; verify passes", () => {
    const rows = env.deps.db.select().from(auditLog).orderBy(asc(auditLog.seq)).all();
    expect(rows.length).toBeGreaterThanOrEqual(6); // admin, team, four people
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    const created = rows.filter((r) => r.action === "create" && r.entity === "staff" && r.actorId === admin.id);
    expect(created).toHaveLength(4);
    expect(created[0]!.data).not.toContain("passwordHash");
    expect(verifyChain(env.deps.db)).toMatchObject({ ok: true, entries: rows.length, head: chainHead(env.deps.db) });
  });

  it("UPDATE and DELETE on the audit log are refused by the database", () => {
    expect(() => sql("UPDATE audit_log SET action = 'nothing' WHERE seq = 2")).toThrow(/append-only/);
    expect(() => sql("DELETE FROM audit_log WHERE seq = 2")).toThrow(/append-only/);
    expect(() => sql("DELETE FROM audit_log")).toThrow(/append-only/);
    expect(verifyChain(env.deps.db).ok).toBe(true);
  });

  it("an edited row is found, by its sequence number", () => {
    dropTriggers();
    sql(`UPDATE audit_log SET data = '{"name":"Someone Else"}' WHERE seq = 3`);
    expect(verifyChain(env.deps.db)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it("an edited row whose own hash was recomputed is found at the next row", () => {
    dropTriggers();
    const r = env.deps.db.select().from(auditLog).all().find((x) => x.seq === 3)!;
    const forged = { ...r, actorId: "someone-else" };
    sql("UPDATE audit_log SET actor_id = ?, hash = ? WHERE seq = 3", forged.actorId, rowHash(forged));
    expect(verifyChain(env.deps.db)).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it("a deleted row is found", () => {
    dropTriggers();
    sql("DELETE FROM audit_log WHERE seq = 2");
    expect(verifyChain(env.deps.db)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it("a deleted last row is found against a checkpoint", () => {
    const head = chainHead(env.deps.db)!;
    dropTriggers();
    sql("DELETE FROM audit_log WHERE seq = ?", head.seq);
    // Alone, a shorter chain is consistent; the kept checkpoint shows the loss.
    expect(verifyChain(env.deps.db).ok).toBe(true);
    expect(verifyChain(env.deps.db, head)).toMatchObject({ ok: false, firstBadSeq: head.seq });
  });

  it("a chain rebuilt from the first edit onwards is found against a checkpoint kept earlier", async () => {
    const kept = chainHead(env.deps.db)!;
    // More honest writes after the checkpoint.
    await admin.client.post("/api/staff", { name: "Later", email: "later@test.example", roles: ["hr"] });
    expect(verifyChain(env.deps.db, kept).ok).toBe(true);

    // An attacker with the file edits row 2 and re-hashes everything after it.
    dropTriggers();
    const rows = env.deps.db.select().from(auditLog).orderBy(asc(auditLog.seq)).all();
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const data = r.seq === 2 ? JSON.stringify({ name: "Invented" }) : r.data;
      const fields = { ...r, data, prevHash: prev };
      const hash = rowHash(fields);
      sql("UPDATE audit_log SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?", data, prev, hash, r.seq);
      prev = hash;
    }
    expect(verifyChain(env.deps.db).ok).toBe(true); // consistent in itself
    expect(verifyChain(env.deps.db, kept)).toMatchObject({ ok: false, firstBadSeq: kept.seq });
  });

  it("checkpoints parse from seq:hash and from the JSON the CLI prints", () => {
    const h = "a".repeat(64);
    expect(parseCheckpoint(`12:${h}`)).toEqual({ seq: 12, hash: h });
    expect(parseCheckpoint(JSON.stringify({ seq: 12, hash: h, entries: 12 }))).toEqual({ seq: 12, hash: h });
    expect(parseCheckpoint("12:xyz")).toBeUndefined();
    expect(parseCheckpoint("{")).toBeUndefined();
    expect(verifyChain(env.deps.db, { seq: 0, hash: GENESIS_HASH }).ok).toBe(true);
  });
});

describe("audit routes", () => {
  it("GET /api/audit lists entries newest first, filtered by entity and id", async () => {
    const made = await admin.client.post("/api/staff", { name: "Filtered", email: "f@test.example", roles: ["amhp"] });
    await admin.client.patch(`/api/staff/${made.body.id}`, { fte: 0.5 });
    const res = await admin.client.get(`/api/audit?entity=staff&id=${made.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: { action: string }) => e.action)).toEqual(["update", "create"]);
    expect(res.body.entries[0]).toMatchObject({ actorType: "staff", actorId: admin.id, entity: "staff", entityId: made.body.id, data: { fte: 0.5 } });
    expect(res.body.entries[0].recordedAt).toBe(env.clock.now().toISOString());
    // What one person did, across entities.
    const byAdmin = await admin.client.get(`/api/audit?actor=${admin.id}`);
    expect(byAdmin.body.entries.length).toBeGreaterThanOrEqual(6);
    expect(byAdmin.body.entries.every((e: { actorId: string }) => e.actorId === admin.id)).toBe(true);
  });

  it("GET /api/audit pages backwards with limit and before", async () => {
    const first = await admin.client.get("/api/audit?limit=2");
    expect(first.body.entries).toHaveLength(2);
    const last = first.body.entries[1].seq;
    const next = await admin.client.get(`/api/audit?limit=2&before=${last}`);
    expect(next.body.entries[0].seq).toBe(last - 1);
    expectInvalidQuery(await admin.client.get("/api/audit?limit=0"));
  });

  it("GET /api/audit/verify reports ok, then the first bad seq after tampering, and checks a checkpoint", async () => {
    const ok = await admin.client.get("/api/audit/verify");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, entries: env.auditCount() });
    const head = ok.body.head as { seq: number; hash: string };
    const good = await admin.client.get(`/api/audit/verify?checkpointSeq=${head.seq}&checkpointHash=${head.hash}`);
    expect(good.body.ok).toBe(true);
    const wrong = await admin.client.get(`/api/audit/verify?checkpointSeq=${head.seq}&checkpointHash=${"0".repeat(64)}`);
    expect(wrong.body).toMatchObject({ ok: false, firstBadSeq: head.seq });
    dropTriggers();
    sql("UPDATE audit_log SET entity_id = 'x' WHERE seq = 5");
    const bad = await admin.client.get("/api/audit/verify");
    expect(bad.body).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it("only admins read the audit log", async () => {
    for (const role of ["hr", "manager", "senior_manager", "amhp"] as const) {
      const p = await env.person({ roles: [role] });
      expect((await p.client.get("/api/audit")).status).toBe(403);
      expect((await p.client.get("/api/audit/verify")).status).toBe(403);
    }
  });
});
