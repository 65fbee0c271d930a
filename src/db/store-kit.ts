// How a store is built. A store is one module's table access, one async function per use
// case, each one transaction. Services call `xStore(deps.db).useCase(...)` and never see SQL,
// so a second database engine is a second factory behind the same interface.
import type { Db, Tx } from "./connection.js";
import { clientOf } from "./prepared.js";

/**
 * A store per database connection, built once: the factory may prepare statements
 * (drizzle's `.prepare()`) against `db`, and they are reused for the connection's life.
 */
export function storeFor<S>(make: (db: Db) => S): (db: Db) => S {
  const built = new WeakMap<Db, S>();
  return (db) => {
    let s = built.get(db);
    if (!s) {
      s = make(db);
      built.set(db, s);
    }
    return s;
  };
}

/**
 * Statements (drizzle's `.prepare()`) built once per connection for tx-level functions: a
 * transaction runs on its connection, so every transaction on it reuses the same statements
 * instead of preparing its own. `make` gets the handle it was first asked with.
 */
export function perConnection<Q>(make: (h: Db | Tx) => Q): (h: Db | Tx) => Q {
  const built = new WeakMap<object, Q>();
  return (h) => {
    const client = clientOf(h);
    let q = built.get(client);
    if (!q) built.set(client, (q = make(h)));
    return q;
  };
}
