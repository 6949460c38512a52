CREATE INDEX "query_logs_query_trgm_idx" ON "query_logs" USING gin ("query" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "saved_queries_name_trgm_idx" ON "saved_queries" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "saved_queries_query_trgm_idx" ON "saved_queries" USING gin ("query" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "saved_queries_tags_idx" ON "saved_queries" USING gin ("tags");