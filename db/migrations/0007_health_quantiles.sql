-- Stored p50/p95/p99 per health row (hundredths of a ms), filled by maintenance for closed buckets and reset
-- to NULL by every upsert (maintenance.ts fillQuantiles): single-row series read them instead of histograms.
ALTER TABLE "health_cluster_minutes" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_cluster_seconds" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_hours" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_minutes" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_seconds" ADD COLUMN "quantiles" integer[];