// Tables of the visits capability. Exported through src/db/schema.ts.
export {};
