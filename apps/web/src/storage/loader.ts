import type { PlatformStorage } from '@platform/storage';

let loading: Promise<PlatformStorage> | null = null;

/**
 * The platform storage module, fetched on first call. Only types are imported statically: the
 * module (drizzle, zod, PGlite's client) stays out of the initial bundle, so the editor is up
 * before any of it downloads.
 */
export function loadStorage(): Promise<PlatformStorage> {
  loading ??= import('@platform/storage').then((module) => module.storage);
  return loading;
}

/** Runs `task` once the browser is idle after the first paint (or soon, where unsupported). */
export function afterFirstPaint(task: () => void): () => void {
  let cancelled = false;
  let idle: number | undefined;
  const frame = requestAnimationFrame(() => {
    if (cancelled) return;
    if (typeof requestIdleCallback === 'function')
      idle = requestIdleCallback(task, { timeout: 500 });
    else idle = window.setTimeout(task, 50);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
    if (idle !== undefined) {
      if (typeof cancelIdleCallback === 'function') cancelIdleCallback(idle);
      else clearTimeout(idle);
    }
  };
}
