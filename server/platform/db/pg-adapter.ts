// Prisma's pg driver adapter, with one fix. Prisma 6.19's transaction manager sends ROLLBACK
// (or COMMIT) and only when that query succeeds hands the connection back to the pool. When
// the server went away mid-transaction (a crash, a replica restarted) that query throws, and
// the pg client stays checked out for good: each outage would keep one pool slot, and the
// pool's end() (Prisma's $disconnect) would wait on it forever. A transaction whose closing
// query failed is released here with the error, which drops the connection from the pool;
// Prisma never calls the adapter's own release after such a failure.
import { PrismaPg } from "@prisma/adapter-pg";
import type { Pool, PoolClient } from "pg";

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type AdapterTx = Awaited<ReturnType<Adapter["startTransaction"]>>;

const CLOSING = new Set(["COMMIT", "ROLLBACK"]);

function releaseOnFailedClose(tx: AdapterTx): AdapterTx {
  const execute = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await execute(query);
    } catch (error) {
      if (CLOSING.has(query.sql)) {
        // The adapter keeps its pool client in `client` (PgQueryable); a protected field.
        const client = (tx as unknown as { client?: PoolClient }).client;
        client?.release(error instanceof Error ? error : new Error(String(error)));
      }
      throw error;
    }
  };
  return tx;
}

/** The adapter over `pool` (ended by Prisma's $disconnect). */
export function pgAdapter(pool: Pool): PrismaPg {
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) =>
      releaseOnFailedClose(await start(isolationLevel));
    return adapter;
  };
  return factory;
}
