/** The whole platform schema, for the server: the browser's tables plus the password table. */
export * from './browser.ts';
export * from './tables/platform-user-passwords.ts';
