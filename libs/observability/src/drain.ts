/**
 * Whether this process has started shutting down. Readiness turns false at once, so a load
 * balancer takes the replica out of rotation while it still serves what is already sent to it.
 */
let draining = false;

export function startDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}
