-- Hand-written (drizzle-kit generate --name rollups, SQL replaced; the snapshot matches db/schema/rollups.ts).
-- drizzle-kit cannot express PARTITION BY, so the rollup tables from 0000_init are recreated here as
-- range-partitioned parents (scale-notes §3). Partitions are created and dropped by app code
-- (server/services/rollups/maintenance.ts); there is deliberately no default partition. The tables are empty
-- when this runs (0000 and 0001 ship together).
--
-- Histogram merge (IMMUTABLE, so it may appear in ON CONFLICT DO UPDATE, scale-notes R5): element-wise sum of
-- two bigint[] of possibly different lengths (trailing zero buckets are not stored); NULL is the identity.
-- PL/pgSQL on purpose: it updates an expanded array in place, 2-4x faster per call than the equivalent
-- LANGUAGE sql ARRAY(SELECT ... generate_series) (5,000 calls: 164-178 ms vs 320-470 ms on PG 15,
-- 291-527 ms vs 1,171-1,930 ms on PGlite, same run); a sub-select also blocks SQL-function inlining.
CREATE FUNCTION gw_hist_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE r bigint[];
BEGIN
  IF a IS NULL THEN RETURN b; END IF;
  IF b IS NULL THEN RETURN a; END IF;
  IF cardinality(a) >= cardinality(b) THEN
    r := a;
    FOR i IN 1..cardinality(b) LOOP r[i] := r[i] + b[i]; END LOOP;
  ELSE
    r := b;
    FOR i IN 1..cardinality(a) LOOP r[i] := r[i] + a[i]; END LOOP;
  END IF;
  RETURN r;
END $$;
--> statement-breakpoint
CREATE AGGREGATE gw_hist_sum(bigint[]) (SFUNC = gw_hist_add, STYPE = bigint[]);
--> statement-breakpoint
DROP TABLE "codes_api_hours";
--> statement-breakpoint
DROP TABLE "codes_api_minutes";
--> statement-breakpoint
DROP TABLE "codes_consumer_route_hours";
--> statement-breakpoint
DROP TABLE "codes_consumer_route_minutes";
--> statement-breakpoint
DROP TABLE "codes_node_hours";
--> statement-breakpoint
DROP TABLE "codes_node_minutes";
--> statement-breakpoint
DROP TABLE "codes_route_hours";
--> statement-breakpoint
DROP TABLE "codes_route_minutes";
--> statement-breakpoint
DROP TABLE "codes_unmatched_hours";
--> statement-breakpoint
DROP TABLE "codes_unmatched_minutes";
--> statement-breakpoint
DROP TABLE "entity_traffic_hours";
--> statement-breakpoint
DROP TABLE "entity_traffic_minutes";
--> statement-breakpoint
DROP TABLE "health_hours";
--> statement-breakpoint
DROP TABLE "health_minutes";
--> statement-breakpoint
DROP TABLE "health_seconds";
--> statement-breakpoint
CREATE TABLE "codes_api_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"api_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_api_hours_bucket_ts_api_id_status_code_pk" PRIMARY KEY("bucket_ts","api_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_api_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"api_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_api_minutes_bucket_ts_api_id_status_code_pk" PRIMARY KEY("bucket_ts","api_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_consumer_route_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"consumer_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_consumer_route_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"consumer_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_node_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_node_hours_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_node_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_node_minutes_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_route_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_route_hours_bucket_ts_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","route_id","service_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_route_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_route_minutes_bucket_ts_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","route_id","service_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_unmatched_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_unmatched_hours_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_unmatched_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_unmatched_minutes_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "entity_traffic_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"entity_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"status_4xx" bigint DEFAULT 0 NOT NULL,
	"status_5xx" bigint DEFAULT 0 NOT NULL,
	"plat_sum" bigint DEFAULT 0 NOT NULL,
	"plat_count" bigint DEFAULT 0 NOT NULL,
	"ulat_sum" bigint DEFAULT 0 NOT NULL,
	"ulat_count" bigint DEFAULT 0 NOT NULL,
	"rlat_sum" bigint DEFAULT 0 NOT NULL,
	"rlat_count" bigint DEFAULT 0 NOT NULL,
	"rlat_hist" bigint[],
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "entity_traffic_hours_bucket_ts_entity_id_kind_pk" PRIMARY KEY("bucket_ts","entity_id","kind")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "entity_traffic_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"entity_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"status_4xx" bigint DEFAULT 0 NOT NULL,
	"status_5xx" bigint DEFAULT 0 NOT NULL,
	"plat_sum" bigint DEFAULT 0 NOT NULL,
	"plat_count" bigint DEFAULT 0 NOT NULL,
	"ulat_sum" bigint DEFAULT 0 NOT NULL,
	"ulat_count" bigint DEFAULT 0 NOT NULL,
	"rlat_sum" bigint DEFAULT 0 NOT NULL,
	"rlat_count" bigint DEFAULT 0 NOT NULL,
	"rlat_hist" bigint[],
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "entity_traffic_minutes_bucket_ts_entity_id_kind_pk" PRIMARY KEY("bucket_ts","entity_id","kind")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "health_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"cache_hits" bigint DEFAULT 0 NOT NULL,
	"cache_misses" bigint DEFAULT 0 NOT NULL,
	"samples" bigint DEFAULT 0 NOT NULL,
	"plat_min" integer,
	"plat_max" integer,
	"plat_sum" bigint DEFAULT 0 NOT NULL,
	"plat_count" bigint DEFAULT 0 NOT NULL,
	"plat_hist" bigint[],
	"ulat_min" integer,
	"ulat_max" integer,
	"ulat_sum" bigint DEFAULT 0 NOT NULL,
	"ulat_count" bigint DEFAULT 0 NOT NULL,
	"ulat_hist" bigint[],
	"rlat_sum" bigint DEFAULT 0 NOT NULL,
	"rlat_count" bigint DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	"status_1xx" bigint DEFAULT 0 NOT NULL,
	"status_2xx" bigint DEFAULT 0 NOT NULL,
	"status_3xx" bigint DEFAULT 0 NOT NULL,
	"status_4xx" bigint DEFAULT 0 NOT NULL,
	"status_5xx" bigint DEFAULT 0 NOT NULL,
	"status_other" bigint DEFAULT 0 NOT NULL,
	"gauges_at" timestamp with time zone,
	"conn_active" bigint,
	"conn_reading" bigint,
	"conn_writing" bigint,
	"conn_waiting" bigint,
	"conn_accepted" bigint,
	"conn_handled" bigint,
	"conn_total" bigint,
	"datastore_reachable" smallint,
	CONSTRAINT "health_hours_bucket_ts_node_id_pk" PRIMARY KEY("bucket_ts","node_id")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "health_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"cache_hits" bigint DEFAULT 0 NOT NULL,
	"cache_misses" bigint DEFAULT 0 NOT NULL,
	"samples" bigint DEFAULT 0 NOT NULL,
	"plat_min" integer,
	"plat_max" integer,
	"plat_sum" bigint DEFAULT 0 NOT NULL,
	"plat_count" bigint DEFAULT 0 NOT NULL,
	"plat_hist" bigint[],
	"ulat_min" integer,
	"ulat_max" integer,
	"ulat_sum" bigint DEFAULT 0 NOT NULL,
	"ulat_count" bigint DEFAULT 0 NOT NULL,
	"ulat_hist" bigint[],
	"rlat_sum" bigint DEFAULT 0 NOT NULL,
	"rlat_count" bigint DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	"status_1xx" bigint DEFAULT 0 NOT NULL,
	"status_2xx" bigint DEFAULT 0 NOT NULL,
	"status_3xx" bigint DEFAULT 0 NOT NULL,
	"status_4xx" bigint DEFAULT 0 NOT NULL,
	"status_5xx" bigint DEFAULT 0 NOT NULL,
	"status_other" bigint DEFAULT 0 NOT NULL,
	"gauges_at" timestamp with time zone,
	"conn_active" bigint,
	"conn_reading" bigint,
	"conn_writing" bigint,
	"conn_waiting" bigint,
	"conn_accepted" bigint,
	"conn_handled" bigint,
	"conn_total" bigint,
	"datastore_reachable" smallint,
	CONSTRAINT "health_minutes_bucket_ts_node_id_pk" PRIMARY KEY("bucket_ts","node_id")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "health_seconds" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"cache_hits" bigint DEFAULT 0 NOT NULL,
	"cache_misses" bigint DEFAULT 0 NOT NULL,
	"samples" bigint DEFAULT 0 NOT NULL,
	"plat_min" integer,
	"plat_max" integer,
	"plat_sum" bigint DEFAULT 0 NOT NULL,
	"plat_count" bigint DEFAULT 0 NOT NULL,
	"plat_hist" bigint[],
	"ulat_min" integer,
	"ulat_max" integer,
	"ulat_sum" bigint DEFAULT 0 NOT NULL,
	"ulat_count" bigint DEFAULT 0 NOT NULL,
	"ulat_hist" bigint[],
	"rlat_sum" bigint DEFAULT 0 NOT NULL,
	"rlat_count" bigint DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	"status_1xx" bigint DEFAULT 0 NOT NULL,
	"status_2xx" bigint DEFAULT 0 NOT NULL,
	"status_3xx" bigint DEFAULT 0 NOT NULL,
	"status_4xx" bigint DEFAULT 0 NOT NULL,
	"status_5xx" bigint DEFAULT 0 NOT NULL,
	"status_other" bigint DEFAULT 0 NOT NULL,
	"gauges_at" timestamp with time zone,
	"conn_active" bigint,
	"conn_reading" bigint,
	"conn_writing" bigint,
	"conn_waiting" bigint,
	"conn_accepted" bigint,
	"conn_handled" bigint,
	"conn_total" bigint,
	"datastore_reachable" smallint,
	CONSTRAINT "health_seconds_bucket_ts_node_id_pk" PRIMARY KEY("bucket_ts","node_id")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "rollup_hour_folds" (
	"hour" timestamp with time zone PRIMARY KEY NOT NULL,
	"folded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ingest_batches_received_idx" ON "ingest_batches" USING btree ("received_at");
