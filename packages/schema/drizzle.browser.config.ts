import { defineConfig } from 'drizzle-kit';
import { migrationsOutForConfig, schemaEntry } from './scripts/targets.ts';

export default defineConfig({
  dialect: 'postgresql',
  schema: schemaEntry('browser'),
  out: migrationsOutForConfig('browser'),
  strict: true,
});
