// Test support: the real server as its own process (`src/main.ts` through tsx, configured by
// environment as an operator would), so a spec can tell whether a fault ended the process, and
// read what it logged.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER_DIR = resolve(import.meta.dirname, '../..');

/** One line of the server's log (pino: level 30 info, 40 warn, 50 error, 60 fatal). */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The JSON of an answer, with the fields the specs read. */
export interface AnswerBody {
  error?: { kind: string; message: string; reason?: string };
  results?: { id: string; status: string }[];
  user?: { id: string; username: string };
  account?: { id: string; username: string; email: string | null };
  [field: string]: unknown;
}

export interface ServerAnswer {
  status: number;
  body: AnswerBody | null;
  /** `platform_session=…` when the answer set a session cookie. */
  cookie: string | null;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** How the process ended, or null while it runs. */
  exit(): { code: number | null; signal: string | null } | null;
  /** Every log line so far. */
  readonly logs: readonly LogLine[];
  /** A request as the studio's page sends it (JSON, no foreign Origin), with a session cookie. */
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options?: { body?: unknown; cookie?: string },
  ): Promise<ServerAnswer>;
  /** SIGTERM, then waits for the process to end. */
  stop(): Promise<void>;
}

/** Starts `src/main.ts` with `env` on top of this process's environment; resolves once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let ended: { code: number | null; signal: string | null } | null = null;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      done();
    });
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const url = await new Promise<string>((listening, failed) => {
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on(
      'line',
      (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { level: 30, msg: text };
        }
        logs.push(line);
        const at = /^studio at (http:\/\/\S+?)\/$/.exec(line.msg);
        if (at?.[1]) listening(at[1]);
      },
    );
    void exited.then(() =>
      failed(new Error(`the server exited before listening: ${JSON.stringify(ended)}\n${stderr}`)),
    );
  });

  return {
    url,
    pid: child.pid as number,
    exit: () => ended,
    logs,
    async request(method, path, options = {}) {
      const sent = fetch(new URL(path, url), {
        method,
        headers: {
          ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
        ...(method === 'GET' ? {} : { body: JSON.stringify(options.body ?? {}) }),
      });
      const response = await sent.catch(async (error: unknown) => {
        // A connection cut mid-request: say whether the process died under it, and how.
        await Promise.race([exited, new Promise((next) => setImmediate(next))]);
        const how = ended
          ? `the server process exited (${JSON.stringify(ended)}): ${stderr.slice(-2_000)}`
          : 'the server process still runs';
        throw new Error(`${method} ${path} got no answer; ${how}`, { cause: error });
      });
      const text = await response.text();
      const set = response.headers.getSetCookie().find((c) => c.startsWith('platform_session='));
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as AnswerBody) : null,
        cookie: set ? (set.split(';')[0] ?? null) : null,
      };
    },
    async stop() {
      if (ended) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
