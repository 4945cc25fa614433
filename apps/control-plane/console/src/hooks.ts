import { useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

/**
 * Loads with `load` now and again every `everyMs` (a function of the last data, so a page can
 * poll fast while a job runs and slowly after). Stale answers of an older key are dropped.
 */
export function usePolled<T>(load: () => Promise<T>, key: string, everyMs: (data: T | undefined) => number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const latest = useRef(data);
  latest.current = data;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      load()
        .then((loaded) => {
          if (!live) return;
          setData(loaded);
          setError(undefined);
          latest.current = loaded;
        })
        .catch((failure: Error) => live && setError(failure.message))
        .finally(() => {
          if (live) timer = setTimeout(run, everyMs(latest.current));
        });
    };
    run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, tick]);
  return { data, error, reload: () => setTick((value) => value + 1) };
}
