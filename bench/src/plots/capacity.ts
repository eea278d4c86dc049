/**
 * docs/scaling.md's capacity model as code, so that its figures and its plot come from the same
 * formulas and from the costs the benchmark measured (bench/results/*.json). Every input is either
 * a measured cost or a stated assumption about the audience; docs/scaling.md writes both out.
 */

/** Costs per operation, from one run of `pnpm bench` on the 2-core bench machine. */
export interface MeasuredCosts {
  /** API CPU per join with a signed viewer token (the production path), µs. */
  apiUsPerJoin: number;
  /** API CPU per heartbeat with a token, µs: the mega-live section's heartbeat plus a token's verification. */
  apiUsPerHeartbeat: number;
  /** API CPU per SSE stats message written to a subscriber, µs (at the largest fan-out measured). */
  apiUsPerMessage: number;
  /** Redis CPU per join or heartbeat (one script), µs: Redis CPU % × 10,000 / joins/s. */
  redisUsPerPresenceCall: number;
}

/** What the audience does. */
export interface Audience {
  /** Concurrent viewers, all subscribed to their live's stats. */
  viewers: number;
  /** Seconds between two heartbeats of a viewer (30 s: VIEWER_TTL_MS 30 s, one heartbeat per TTL). */
  heartbeatIntervalSec: number;
  /** Average seconds a viewer stays: joins/s = viewers / this. */
  sessionSec: number;
  /** Stats messages a subscriber receives per second (10 at most per live; 1 for a live past the update-rate threshold). */
  messagesPerViewerPerSec: number;
  /** Lives the viewers are spread over (1: a single mega-live). */
  lives: number;
}

export interface Headroom {
  /** Share of an API pod's core used in steady state (the HPA's target). */
  apiCpuTarget: number;
  /** Share of a Redis master's one core used in steady state. */
  redisCpuTarget: number;
  /** SSE streams one API pod holds (SSE_MAX_STREAMS). */
  streamsPerInstance: number;
  /** Presence shards of the biggest live (PRESENCE_SHARDS). */
  presenceShards: number;
}

export interface Capacity {
  heartbeatsPerSec: number;
  joinsPerSec: number;
  messagesPerSec: number;
  /** API cores: heartbeats, joins and fan-out. */
  apiCores: { heartbeats: number; joins: number; fanout: number; total: number };
  /** API instances: the larger of what the CPU and the stream limit ask for. */
  apiInstances: number;
  apiInstancesFor: 'cpu' | 'streams';
  /** Redis cores for presence, and the masters they need at the target. */
  redisCores: number;
  redisMasters: number;
  /** Redis cores on the single busiest slot's master: one live's presence shard. */
  hottestSlotCores: number;
  /** Whether that slot fits on one master at the target. */
  hottestSlotFits: boolean;
}

/**
 *   heartbeats/s  H = V / h                 joins/s  J = V / s            messages/s  M = V × r
 *   API cores     C = (H·c_hb + J·c_join + M·c_msg) / 10⁶
 *   API instances N = max(⌈C / u_api⌉, ⌈V / streams⌉)
 *   Redis cores   R = (H + J) · c_redis / 10⁶        masters ⌈R / u_redis⌉
 *   hottest slot  R_live = R · (V_live / V) / shards  (one live's presence is one slot per shard)
 */
export function capacity(costs: MeasuredCosts, audience: Audience, headroom: Headroom): Capacity {
  const heartbeatsPerSec = audience.viewers / audience.heartbeatIntervalSec;
  const joinsPerSec = audience.viewers / audience.sessionSec;
  const messagesPerSec = audience.viewers * audience.messagesPerViewerPerSec;
  const heartbeats = (heartbeatsPerSec * costs.apiUsPerHeartbeat) / 1e6;
  const joins = (joinsPerSec * costs.apiUsPerJoin) / 1e6;
  const fanout = (messagesPerSec * costs.apiUsPerMessage) / 1e6;
  const total = heartbeats + joins + fanout;
  const forCpu = Math.ceil(total / headroom.apiCpuTarget);
  const forStreams = Math.ceil(audience.viewers / headroom.streamsPerInstance);
  const redisCores = ((heartbeatsPerSec + joinsPerSec) * costs.redisUsPerPresenceCall) / 1e6;
  const hottestSlotCores = redisCores / Math.max(1, audience.lives) / headroom.presenceShards;
  return {
    heartbeatsPerSec,
    joinsPerSec,
    messagesPerSec,
    apiCores: { heartbeats, joins, fanout, total },
    apiInstances: Math.max(forCpu, forStreams),
    apiInstancesFor: forCpu >= forStreams ? 'cpu' : 'streams',
    redisCores,
    redisMasters: Math.max(1, Math.ceil(redisCores / headroom.redisCpuTarget)),
    hottestSlotCores,
    hottestSlotFits: hottestSlotCores <= headroom.redisCpuTarget,
  };
}
