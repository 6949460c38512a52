-- Sync bookkeeping of local writes, in the browser only (drizzle-kit does not model triggers).
-- Every insert, update and delete of a synced table stamps the row with this database's hybrid
-- logical clock and, when the row's owner syncs, queues it in sync_outbox: in the same
-- transaction as the write, whichever code path made it. The sync client applies the server's
-- rows under `SET LOCAL platform.sync_applying = 'on'`, which leaves stamps and outbox alone.
INSERT INTO "sync_clock" ("id", "node_id")
VALUES (1, substr(md5(gen_random_uuid()::text), 1, 16))
ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION platform_next_hlc() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  clock sync_clock%ROWTYPE;
  wall bigint;
BEGIN
  SELECT * INTO clock FROM sync_clock WHERE id = 1 FOR UPDATE;
  -- In server time: offset_ms corrects this device's clock by what the server last said.
  wall := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint + clock.offset_ms;
  IF wall > clock.physical THEN
    clock.physical := wall;
    clock.counter := 0;
  ELSE
    -- The clock went back, or several writes in one millisecond: stay ahead of the last stamp.
    clock.counter := clock.counter + 1;
  END IF;
  UPDATE sync_clock SET physical = clock.physical, counter = clock.counter WHERE id = 1;
  RETURN lpad(clock.physical::text, 15, '0') || lpad(clock.counter::text, 6, '0') || clock.node_id;
END $$;
--> statement-breakpoint
CREATE FUNCTION platform_sync_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- Prefixed: a plain row_id would be ambiguous with the outbox column in ON CONFLICT.
  v_owner text;
  v_row_id text;
  v_stamp text;
BEGIN
  IF current_setting('platform.sync_applying', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  -- plpgsql plans each branch per table on first use, so NEW.user_id is never looked up on
  -- platform_users, which owns itself.
  IF TG_OP = 'DELETE' THEN
    v_row_id := OLD.id;
    IF TG_TABLE_NAME = 'platform_users' THEN v_owner := OLD.id; ELSE v_owner := OLD.user_id; END IF;
    v_stamp := platform_next_hlc();
  ELSE
    NEW.hlc := platform_next_hlc();
    v_row_id := NEW.id;
    IF TG_TABLE_NAME = 'platform_users' THEN v_owner := NEW.id; ELSE v_owner := NEW.user_id; END IF;
    v_stamp := NEW.hlc;
  END IF;
  IF EXISTS (SELECT 1 FROM sync_config WHERE id = v_owner AND sync_enabled) THEN
    INSERT INTO sync_outbox (table_name, row_id, user_id, mutation_id, op, hlc)
    VALUES (TG_TABLE_NAME, v_row_id, v_owner, gen_random_uuid()::text,
            CASE WHEN TG_OP = 'DELETE' THEN 'delete' ELSE 'upsert' END, v_stamp)
    ON CONFLICT (table_name, row_id) DO UPDATE
      SET user_id = excluded.user_id, mutation_id = excluded.mutation_id, op = excluded.op,
          hlc = excluded.hlc, queued_at = now();
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER platform_users_sync BEFORE INSERT OR UPDATE OR DELETE ON platform_users
  FOR EACH ROW EXECUTE FUNCTION platform_sync_track();
--> statement-breakpoint
CREATE TRIGGER connections_sync BEFORE INSERT OR UPDATE OR DELETE ON connections
  FOR EACH ROW EXECUTE FUNCTION platform_sync_track();
--> statement-breakpoint
CREATE TRIGGER saved_queries_sync BEFORE INSERT OR UPDATE OR DELETE ON saved_queries
  FOR EACH ROW EXECUTE FUNCTION platform_sync_track();
--> statement-breakpoint
CREATE TRIGGER query_logs_sync BEFORE INSERT OR UPDATE OR DELETE ON query_logs
  FOR EACH ROW EXECUTE FUNCTION platform_sync_track();
