-- Trigram indexes make substring search over history and saved queries fast; PGlite ships pg_trgm
-- (loaded through its `extensions` option) and so does every mainstream PostgreSQL build.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
