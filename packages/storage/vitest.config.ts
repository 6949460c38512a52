import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'storage',
    // PGlite takes seconds to start on these machines; Chromium tests build and load a page.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
