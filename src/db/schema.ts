// Every table, for drizzle-kit and for typed queries. Each capability owns its
// tables in its own folder; this file only gathers them.
export * from "../staff/schema.js";
export * from "../auth/schema.js";
export * from "../audit/schema.js";
export * from "./settings.js";
export * from "../hr/schema.js";
export * from "../rota/schema.js";
export * from "../lone-working/visits/schema.js";
export * from "../lone-working/escalation/schema.js";
export * from "../lone-working/delivery/schema.js";
export * from "../lone-working/delivery/channels/push/schema.js";
export * from "../lone-working/delivery/channels/notify/schema.js";
