// Tables of the rota capability. Exported through src/db/schema.ts.
export {};
