import { defineConfig } from 'vitest/config';

// Pure logic only: no DOM, no Electron.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
