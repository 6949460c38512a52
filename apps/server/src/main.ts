import type { AddressInfo } from 'node:net';
import { buildServer, DEFAULT_WEB_ROOT } from './app.ts';
import { hasIndex } from './static-files.ts';

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

const app = await buildServer({
  port,
  webRoot,
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
  allowedHosts: list(process.env.ALLOWED_HOSTS),
  logger: { level: process.env.LOG_LEVEL || 'info' },
});

if (!hasIndex(webRoot)) {
  app.log.warn(`${webRoot}/index.html is missing: build the web app; until then / answers 503`);
}
if (!LOOPBACK.has(host) && !process.env.ALLOWED_ORIGINS) {
  app.log.warn(
    `listening on ${host}, but only loopback Host/Origin values are accepted: set ALLOWED_ORIGINS`,
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
  await app.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
