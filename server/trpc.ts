import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { type Db, getDb } from "@/db/client";
import {
  ConflictError,
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  NotFoundError,
  ValidationError,
} from "./errors";

export type Context = { db: Db };

export async function createContext(): Promise<Context> {
  try {
    return { db: await getDb() };
  } catch (err) {
    throw new DatabaseUnavailableError(err);
  }
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field paths for inline form errors (Kong's `fields` tree when the service speaks Kong).
        issues: cause instanceof ValidationError ? cause.issues : undefined,
        fields: cause instanceof ValidationError ? cause.fields : undefined,
      },
    };
  },
});

/** Maps domain errors to tRPC codes in one place (STYLE habit 3). */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const err = result.error.cause ?? result.error;
    if (err instanceof NotFoundError)
      throw new TRPCError({ code: "NOT_FOUND", message: err.message, cause: err });
    if (err instanceof ConflictError)
      throw new TRPCError({ code: "CONFLICT", message: err.message, cause: err });
    if (err instanceof ValidationError)
      throw new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
    if (isDatabaseUnavailable(err))
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "database unavailable", cause: err });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);
