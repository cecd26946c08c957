-- Minute code and entity tables become append-only partial aggregates (no unique key); the hour fold
-- compacts them (server/services/rollups/maintenance.ts). Dropping the parent's constraint drops the
-- partitions' inherited ones too; partitions created later copy the parent (LIKE … INCLUDING ALL).
ALTER TABLE "codes_api_minutes" DROP CONSTRAINT "codes_api_minutes_bucket_ts_api_id_status_code_pk";--> statement-breakpoint
ALTER TABLE "codes_node_minutes" DROP CONSTRAINT "codes_node_minutes_bucket_ts_node_id_status_code_pk";--> statement-breakpoint
ALTER TABLE "codes_route_minutes" DROP CONSTRAINT "codes_route_minutes_bucket_ts_route_id_service_id_status_code_pk";--> statement-breakpoint
ALTER TABLE "codes_unmatched_minutes" DROP CONSTRAINT "codes_unmatched_minutes_bucket_ts_node_id_status_code_pk";--> statement-breakpoint
ALTER TABLE "entity_traffic_minutes" DROP CONSTRAINT "entity_traffic_minutes_bucket_ts_entity_id_kind_pk";