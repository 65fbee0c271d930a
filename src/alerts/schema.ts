// Tables of the alerts capability. Exported through src/db/schema.ts.
export {};
