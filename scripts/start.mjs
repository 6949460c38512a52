// `pnpm start`: the studio, browser-only, nothing to set up. Installs dependencies on a fresh
// clone, builds apps/web when its build is missing or older than its sources (or the packages it
// bundles), then runs apps/server on 127.0.0.1 (PORT and HOST to change it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm';

function run(args) {
  const result = spawnSync(pnpm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The newest modification time under `path` (a file or a directory), skipping build output. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  console.log('::: installing dependencies (first run)');
  run(['install', '--frozen-lockfile']);
}

const built = join(root, 'apps/web/dist/index.html');
const sources = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'packages/storage/src',
  'packages/schema/src',
  'pnpm-lock.yaml',
].map((path) => newest(join(root, path)));
if (!existsSync(built) || statSync(built).mtimeMs < Math.max(...sources)) {
  console.log('::: building the studio (apps/web)');
  run(['--filter', '@platform/web', 'build']);
}

const server = spawn(pnpm, ['--filter', '@platform/server', '--silent', 'start'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
