import { defineConfig } from 'drizzle-kit';

// Migrations are generated offline from the schema and committed; no database is needed here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
