// Tables of the push capability. Exported through src/db/schema.ts.
export {};
