import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    // PGlite takes seconds to start here; the Chromium test builds the app and opens OPFS.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
