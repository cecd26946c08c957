-- Exact status codes of the whole cluster per minute and hour (db/schema/rollups.ts codesClusterTable),
-- range-partitioned by bucket_ts like every rollup: maintenance.ts creates and expires the partitions.
CREATE TABLE "codes_cluster_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_cluster_hours_bucket_ts_status_code_pk" PRIMARY KEY("bucket_ts","status_code")
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
CREATE TABLE "codes_cluster_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL
) PARTITION BY RANGE ("bucket_ts");
--> statement-breakpoint
-- Backfill from the per-node codes, so the cluster chart keeps the history recorded before this table: one
-- partition per existing codes_node partition (same bounds, same naming), then one row per (bucket, code).
DO $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT c.relname AS name, parent.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
		FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid
		JOIN pg_class parent ON parent.oid = i.inhparent
		WHERE parent.relname IN ('codes_node_minutes', 'codes_node_hours') AND c.relkind = 'r'
	LOOP
		EXECUTE format(
			'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I %s',
			replace(p.name, 'codes_node_', 'codes_cluster_'),
			replace(p.parent, 'codes_node_', 'codes_cluster_'),
			p.bound
		);
	END LOOP;
END $$;
--> statement-breakpoint
INSERT INTO "codes_cluster_minutes" ("bucket_ts", "status_code", "count")
SELECT "bucket_ts", "status_code", sum("count") FROM "codes_node_minutes" GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO "codes_cluster_hours" ("bucket_ts", "status_code", "count")
SELECT "bucket_ts", "status_code", sum("count") FROM "codes_node_hours" GROUP BY 1, 2;
