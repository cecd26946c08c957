-- Ten-minute entity sums, kept by maintenance's compaction of the minute rows (maintenance.ts
-- compactMinuteRows), range-partitioned by bucket_ts hourly like the minute tables; maintenance.ts creates
-- and expires the partitions. `compacted` marks the minute rows those sums hold (existing rows: none, so no
-- backfill is needed; a reader adds the minute rows not compacted to the tens).
CREATE TABLE "entity_traffic_tens" (
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
	"last_ts" timestamp with time zone,
	CONSTRAINT "entity_traffic_tens_bucket_ts_entity_id_kind_pk" PRIMARY KEY("bucket_ts","entity_id","kind")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
ALTER TABLE "entity_traffic_minutes" ADD COLUMN "compacted" boolean DEFAULT false NOT NULL;