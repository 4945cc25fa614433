export interface RecurringSweep {
  stop(): void;
}

/**
 * Runs `sweep` every `intervalMs` (and at once when asked), never two at a time. The queue only
 * carries work, so every service that puts back what Redis lost runs such a loop; a failed round is
 * reported and the next one runs anyway.
 */
export function startRecurringSweep(
  intervalMs: number,
  sweep: () => Promise<void>,
  onFailure: (error: Error) => void,
  options: { runNow?: boolean } = {},
): RecurringSweep {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      await sweep();
    } catch (error) {
      onFailure(error as Error);
    } finally {
      running = false;
    }
  };
  if (options.runNow) void round();
  const timer = setInterval(() => void round(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
