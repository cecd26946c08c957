-- Per-node reads (node pages, chart overlays, Vitals per node) of the node health tables: (node_id, bucket_ts)
-- instead of scanning every node's rows of the range. Created on the partitioned parents, so existing and new
-- partitions (LIKE … INCLUDING ALL + ATTACH) all carry it.
CREATE INDEX "health_minutes_node_idx" ON "health_minutes" USING btree ("node_id","bucket_ts");--> statement-breakpoint
CREATE INDEX "health_seconds_node_idx" ON "health_seconds" USING btree ("node_id","bucket_ts");