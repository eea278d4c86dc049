import { defineConfig } from 'drizzle-kit';

// Each domain owns its tables (`<domain>/tables.ts`); migrations are generated from all of them.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/tables.ts',
  out: './src/infra/db/migrations',
});
