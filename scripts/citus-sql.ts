// Prints the Citus distribution step (docs/scaling.md): `npm run citus:sql | psql "$COORDINATOR_URL"`.
import { distributeSql } from "@/db/distribution";

process.stdout.write(distributeSql());
