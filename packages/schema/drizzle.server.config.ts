import { defineConfig } from 'drizzle-kit';
import { migrationsOutForConfig, schemaEntry } from './scripts/targets.ts';

export default defineConfig({
  dialect: 'postgresql',
  schema: schemaEntry('server'),
  out: migrationsOutForConfig('server'),
  strict: true,
  dbCredentials: { url: process.env.DATABASE_URL ?? '' },
});
