CREATE TABLE "studio_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"position" double precision DEFAULT 0 NOT NULL,
	"doc" json NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"hlc" text DEFAULT '' NOT NULL,
	CONSTRAINT "studio_documents_kind_check" CHECK (kind in ('schema_snapshot', 'saved_chart', 'audit_event', 'masking_config', 'threshold_config', 'dismissed_seeds', 'active_connection_id', 'workspace_tabs')),
	CONSTRAINT "studio_documents_id_check" CHECK (id = md5(user_id || chr(31) || kind || chr(31) || key))
);
--> statement-breakpoint
ALTER TABLE "query_logs" ALTER COLUMN "row_count" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "saved_queries" ALTER COLUMN "tags" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "saved_queries" ALTER COLUMN "tags" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "position" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "extra" json;--> statement-breakpoint
ALTER TABLE "query_logs" ADD COLUMN "extra" json;--> statement-breakpoint
ALTER TABLE "saved_queries" ADD COLUMN "position" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_queries" ADD COLUMN "extra" json;--> statement-breakpoint
ALTER TABLE "studio_documents" ADD CONSTRAINT "studio_documents_user_id_platform_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."platform_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "studio_documents_user_kind_idx" ON "studio_documents" USING btree ("user_id","kind","position") WHERE "studio_documents"."deleted_at" is null;--> statement-breakpoint
-- Lists keep insertion order now: rows from before take their place by creation, oldest first.
UPDATE "connections" t SET "position" = o.n
  FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS n FROM "connections") o
  WHERE t.id = o.id;--> statement-breakpoint
UPDATE "saved_queries" t SET "position" = o.n
  FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS n FROM "saved_queries") o
  WHERE t.id = o.id;--> statement-breakpoint
-- The studio's own demo marker is a field of its object now, kept in extra.
UPDATE "connections" SET "extra" = '{"isDemo":true}'::json WHERE "is_demo";
