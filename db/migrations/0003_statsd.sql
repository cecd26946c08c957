CREATE TABLE "statsd_delivery" (
	"plugin_id" uuid NOT NULL,
	"instance_id" text NOT NULL,
	"sent_lines" bigint DEFAULT 0 NOT NULL,
	"sent_packets" bigint DEFAULT 0 NOT NULL,
	"sent_bytes" bigint DEFAULT 0 NOT NULL,
	"dropped_lines" bigint DEFAULT 0 NOT NULL,
	"failed_attempts" bigint DEFAULT 0 NOT NULL,
	"queued_lines" integer DEFAULT 0 NOT NULL,
	"retrying_batches" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"last_sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "statsd_delivery_plugin_id_instance_id_pk" PRIMARY KEY("plugin_id","instance_id")
);
