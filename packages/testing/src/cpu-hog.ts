import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';

export interface CpuHog {
  stop(): Promise<void>;
}

/**
 * Keeps every core busy (one spinning process per core, at normal priority) until `stop()`, so
 * a spec proves its guarantee on a machine with no spare CPU, as CI machines often are.
 */
export function startCpuHog(processes = availableParallelism()): CpuHog {
  const children: ChildProcess[] = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return {
    async stop() {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
        }),
      );
    },
  };
}
