import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns db/schema.ts into SQL migrations; db/connection.ts applies them at start-up.
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './migrations',
});
