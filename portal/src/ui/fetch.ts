/** The pages' guarded fetch: what a request answers reaches the page only while it is current. */
import { useEffect } from 'preact/hooks';
import { ApiFailure } from '../api/client';

/**
 * Runs `load` whenever `deps` change; its value goes to `onLoad`, its failure's code to
 * `onFailure`, unless the deps have changed (or the page gone) since it started.
 */
export function useGuardedFetch<T>(
  load: () => Promise<T>,
  onLoad: (value: T) => void,
  onFailure: (code: string) => void,
  deps: readonly unknown[],
): void {
  useEffect(() => {
    let stale = false;
    load().then(
      (value) => {
        if (!stale) onLoad(value);
      },
      (error: unknown) => {
        if (!stale) onFailure(error instanceof ApiFailure ? error.code : 'INTERNAL');
      },
    );
    return () => {
      stale = true;
    };
  }, deps);
}
