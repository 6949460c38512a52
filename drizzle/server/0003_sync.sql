CREATE TABLE "sync_mutations" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"result" jsonb NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "hlc" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_users" ADD COLUMN "hlc" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "query_logs" ADD COLUMN "hlc" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_queries" ADD COLUMN "hlc" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_mutations" ADD CONSTRAINT "sync_mutations_user_id_platform_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."platform_users"("id") ON DELETE cascade ON UPDATE no action;