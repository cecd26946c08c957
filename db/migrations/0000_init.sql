CREATE TABLE "apis" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"upstream_url" text NOT NULL,
	"hosts" text[],
	"uris" text[],
	"methods" text[],
	"strip_uri" boolean DEFAULT true NOT NULL,
	"preserve_host" boolean DEFAULT false NOT NULL,
	"retries" integer DEFAULT 5 NOT NULL,
	"https_only" boolean DEFAULT false NOT NULL,
	"http_if_terminated" boolean DEFAULT false NOT NULL,
	"upstream_connect_timeout" integer DEFAULT 60000 NOT NULL,
	"upstream_send_timeout" integer DEFAULT 60000 NOT NULL,
	"upstream_read_timeout" integer DEFAULT 60000 NOT NULL,
	"discovered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "apis_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "consumers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"username" text,
	"custom_id" text,
	"tags" text[],
	"ws_id" uuid,
	"discovered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consumers_username_unique" UNIQUE("username"),
	CONSTRAINT "consumers_custom_id_unique" UNIQUE("custom_id")
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"version" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text,
	"service_id" uuid,
	"protocols" text[] DEFAULT ARRAY['http','https']::text[] NOT NULL,
	"methods" text[],
	"hosts" text[],
	"paths" text[],
	"strip_path" boolean DEFAULT true NOT NULL,
	"preserve_host" boolean DEFAULT false NOT NULL,
	"regex_priority" integer DEFAULT 0 NOT NULL,
	"https_redirect_status_code" integer DEFAULT 426 NOT NULL,
	"tags" text[],
	"ws_id" uuid,
	"discovered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routes_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text,
	"protocol" text DEFAULT 'http' NOT NULL,
	"host" text NOT NULL,
	"port" integer DEFAULT 80 NOT NULL,
	"path" text,
	"retries" integer DEFAULT 5 NOT NULL,
	"connect_timeout" integer DEFAULT 60000 NOT NULL,
	"write_timeout" integer DEFAULT 60000 NOT NULL,
	"read_timeout" integer DEFAULT 60000 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"tags" text[],
	"ws_id" uuid,
	"discovered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspaces_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "config_version" (
	"key" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plugins" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"instance_name" text,
	"service_id" uuid,
	"route_id" uuid,
	"consumer_id" uuid,
	"api_id" uuid,
	"config" jsonb NOT NULL,
	"protocols" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"tags" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plugins_instance_name_unique" UNIQUE("instance_name"),
	CONSTRAINT "plugins_scope_unique" UNIQUE NULLS NOT DISTINCT("name","service_id","route_id","consumer_id","api_id")
);
--> statement-breakpoint
CREATE TABLE "codes_api_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"api_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_api_hours_bucket_ts_api_id_status_code_pk" PRIMARY KEY("bucket_ts","api_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_api_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"api_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_api_minutes_bucket_ts_api_id_status_code_pk" PRIMARY KEY("bucket_ts","api_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_consumer_route_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"consumer_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_consumer_route_hours_bucket_ts_consumer_id_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","consumer_id","route_id","service_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_consumer_route_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"consumer_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_consumer_route_minutes_bucket_ts_consumer_id_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","consumer_id","route_id","service_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_node_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_node_hours_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_node_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_node_minutes_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_route_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_route_hours_bucket_ts_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","route_id","service_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_route_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"route_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_route_minutes_bucket_ts_route_id_service_id_status_code_pk" PRIMARY KEY("bucket_ts","route_id","service_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_unmatched_hours" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_unmatched_hours_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
);
--> statement-breakpoint
CREATE TABLE "codes_unmatched_minutes" (
	"bucket_ts" timestamp with time zone NOT NULL,
	"node_id" uuid NOT NULL,
	"status_code" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "codes_unmatched_minutes_bucket_ts_node_id_status_code_pk" PRIMARY KEY("bucket_ts","node_id","status_code")
);
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
);
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
);
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
);
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
);
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
);
--> statement-breakpoint
CREATE TABLE "ingest_batches" (
	"received_at" timestamp with time zone NOT NULL,
	"batch_id" text NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "ingest_batches_batch_id_pk" PRIMARY KEY("batch_id")
);
--> statement-breakpoint
CREATE INDEX "apis_created_idx" ON "apis" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "consumers_created_idx" ON "consumers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "routes_service_idx" ON "routes" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "routes_created_idx" ON "routes" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "services_created_idx" ON "services" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "plugins_name_idx" ON "plugins" USING btree ("name");