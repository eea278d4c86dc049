/**
 * What orders a live's stats: the epoch in which Redis holds them and the version within it. A
 * version only grows within an epoch; a later epoch (the stats were lost and born again) is newer
 * whatever its version, so subscribers follow the truth after Redis loses its data.
 */
export interface StatsOrder {
  epoch: number;
  version: number;
}

/** Before anything was seen. */
export const nothingSeen: StatsOrder = { epoch: -1, version: -1 };

export function isNewer(candidate: StatsOrder, than: StatsOrder): boolean {
  return candidate.epoch !== than.epoch ? candidate.epoch > than.epoch : candidate.version > than.version;
}

/** The tracked id of stats in an event stream, `<epoch>-<version>` (`0-0` before any). */
export function statsOrderId(order: StatsOrder): string {
  return `${Math.max(order.epoch, 0)}-${Math.max(order.version, 0)}`;
}
