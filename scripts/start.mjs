// `pnpm start`: until the studio lands (issue: "The studio, browser-only mode"), say what it will be.
console.log(`platform storage — the studio is not built yet.

When it lands, \`pnpm start\` will build apps/web if needed and serve it from apps/server on
http://127.0.0.1:3000 (PORT to change it), browser-only, with no database to set up.

What exists today:
  pnpm test          every test (lint, typecheck, PGlite, real PostgreSQL, real Chromium)
  pnpm db:generate   regenerate drizzle/browser and drizzle/server from packages/schema
  pnpm db:check      fail if the schema and the committed migrations disagree
  pnpm db:migrate    apply drizzle/server to DATABASE_URL`);
