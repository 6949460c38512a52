import { useCallback, useState } from 'react';
import { describe } from '../storage/describe.ts';

/**
 * A page's one-at-a-time actions: which one is running (to disable the buttons) and why the
 * last one failed, in words for the user.
 */
export function useAction<Name extends string>() {
  const [busy, setBusy] = useState<Name | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const run = useCallback(async (what: Name, task: () => Promise<void>) => {
    setBusy(what);
    setFailure(null);
    try {
      await task();
    } catch (e) {
      setFailure(describe(e));
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, failure, setFailure, run };
}
