import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildServer, DEFAULT_WEB_ROOT, type SyncOptions } from './app.ts';
import { DEFAULT_QUERY_RATE_LIMIT, type QueryEndpointOptions } from './query/query-access.ts';
import { hasIndex } from './static-files.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const webRoot = process.env.WEB_ROOT || DEFAULT_WEB_ROOT;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

let trustProxy: TrustProxy;
try {
  trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

/** Sync mode when DATABASE_URL is set; browser-only otherwise. */
function syncOptions(): SyncOptions | undefined {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return undefined;
  let jwtSecret = process.env.JWT_SECRET ?? '';
  if (!jwtSecret) {
    // Not a default secret: a random one, so sessions simply end when the server restarts.
    jwtSecret = randomBytes(32).toString('base64url');
    console.warn(
      'JWT_SECRET is not set: using a random one; sessions end when the server restarts',
    );
  }
  const ttlHours = Number(process.env.SESSION_TTL_HOURS || 24 * 7);
  return {
    databaseUrl,
    jwtSecret,
    ...(process.env.ELECTRIC_URL ? { electricUrl: process.env.ELECTRIC_URL } : {}),
    ...(process.env.ELECTRIC_SECRET ? { electricSecret: process.env.ELECTRIC_SECRET } : {}),
    sessionTtlSeconds: Math.max(60, Math.round(ttlHours * 3600)),
    secureCookies: process.env.COOKIE_SECURE === '1' || process.env.COOKIE_SECURE === 'true',
    migrate: process.env.MIGRATE_ON_START !== '0',
  };
}

/** Where the query endpoints may connect, and how often (attempts per minute). */
function queryOptions(): QueryEndpointOptions {
  const perMinute = (name: string, fallback: number): number => {
    const value = Number(process.env[name] || fallback);
    if (!Number.isInteger(value) || value < 1) {
      console.error(
        `${name} must be a whole number of attempts per minute, not ${process.env[name]}`,
      );
      process.exit(1);
    }
    return value;
  };
  return {
    targets: list(process.env.QUERY_TARGETS),
    rateLimit: {
      perSession: perMinute('QUERY_LIMIT_PER_SESSION', DEFAULT_QUERY_RATE_LIMIT.perSession),
      perAddress: perMinute('QUERY_LIMIT_PER_ADDRESS', DEFAULT_QUERY_RATE_LIMIT.perAddress),
      windowMs: 60_000,
    },
  };
}

const sync = syncOptions();
const app = await buildServer({
  port,
  webRoot,
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
  allowedHosts: list(process.env.ALLOWED_HOSTS),
  trustProxy,
  host,
  query: queryOptions(),
  logger: { level: process.env.LOG_LEVEL || 'info' },
  ...(sync ? { sync } : {}),
});
app.log.info(
  sync
    ? `sync mode: platform database ${new URL(sync.databaseUrl).host}, Electric ${sync.electricUrl ?? '(not configured)'}`
    : 'browser-only mode (no DATABASE_URL): accounts and sync are off',
);

if (!hasIndex(webRoot)) {
  app.log.warn(`${webRoot}/index.html is missing: build the web app; until then / answers 503`);
}
if (!LOOPBACK.has(host) && !process.env.ALLOWED_ORIGINS) {
  app.log.warn(
    `listening on ${host}, but only loopback Host/Origin values are accepted: set ALLOWED_ORIGINS`,
  );
}

if (!LOOPBACK.has(host) && !sync) {
  app.log.warn(
    `listening on ${host} without DATABASE_URL: no accounts, so /api/query and /api/connections/test answer 503`,
  );
}

await app.listen({ host, port });
const address = app.server.address() as AddressInfo;
const shown = host.includes(':') ? `[${host}]` : host;
app.log.info(`studio at http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${address.port}/`);

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  app.log.info(`${signal}: closing`);
  // Lets running queries finish and their connections close; a second signal still kills us.
  // Long polls of sync shapes are cut after a grace period: their clients reconnect anyway.
  const grace = setTimeout(() => app.server.closeAllConnections(), 5_000);
  grace.unref();
  await app.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
