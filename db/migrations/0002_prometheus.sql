CREATE TABLE "prometheus_latency" (
	"series_id" uuid PRIMARY KEY NOT NULL,
	"plugin_id" uuid NOT NULL,
	"node_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
	"route" text NOT NULL,
	"workspace" text NOT NULL,
	"kong_hist" bigint[],
	"kong_sum" double precision DEFAULT 0 NOT NULL,
	"kong_count" bigint DEFAULT 0 NOT NULL,
	"upstream_hist" bigint[],
	"upstream_sum" double precision DEFAULT 0 NOT NULL,
	"upstream_count" bigint DEFAULT 0 NOT NULL,
	"request_hist" bigint[],
	"request_sum" double precision DEFAULT 0 NOT NULL,
	"request_count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prometheus_requests" (
	"series_id" uuid PRIMARY KEY NOT NULL,
	"plugin_id" uuid NOT NULL,
	"node_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
	"route" text NOT NULL,
	"workspace" text NOT NULL,
	"consumer" text NOT NULL,
	"code" smallint NOT NULL,
	"source" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "prometheus_latency_plugin_idx" ON "prometheus_latency" USING btree ("plugin_id","node_id");--> statement-breakpoint
CREATE INDEX "prometheus_requests_plugin_idx" ON "prometheus_requests" USING btree ("plugin_id","node_id");