ALTER TABLE "health_cluster_minutes" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_cluster_seconds" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_hours" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_minutes" ADD COLUMN "quantiles" integer[];--> statement-breakpoint
ALTER TABLE "health_seconds" ADD COLUMN "quantiles" integer[];