/**
 * The viewer calls a simulation makes: the typed client's `viewer.*` procedures over HTTP (the
 * `pnpm simulate` command), or the viewers service itself when the server runs a demo audience.
 */
export interface ViewerCalls {
  join(input: { liveId: string; viewerId: string }): Promise<unknown>;
  heartbeat(input: { liveId: string; viewerId: string }): Promise<unknown>;
  leave(input: { liveId: string; viewerId: string }): Promise<unknown>;
}

export interface SimulationOptions {
  viewers: ViewerCalls;
  liveId: string;
  /** How many viewers arrive in total. */
  audience: number;
  /** Arrivals are spread at random over this many seconds. */
  rampSeconds: number;
  /** Share of viewers (0..1) that leave before the simulation ends, by calling leave... */
  leaveRate: number;
  /** ...or by vanishing without a word (a closed tab, a dead phone): no leave, no more heartbeats. */
  crashRate: number;
  /** The server's VIEWER_TTL_MS: viewers heartbeat every third of it. */
  ttlMs: number;
  /** How long the simulation lasts after it starts. */
  durationSeconds: number;
  /** Prefix of the simulated viewer ids. */
  viewerPrefix?: string;
  random?: () => number;
}

export interface SimulationProgress {
  elapsedSeconds: number;
  arrived: number;
  /** Viewers that should be counted now: arrived, not left, not vanished. */
  watching: number;
  left: number;
  vanished: number;
  errors: number;
  lastError: string | null;
}

type ViewerState = 'waiting' | 'watching' | 'left' | 'vanished';

interface SimulatedViewer {
  id: string;
  state: ViewerState;
  arriveAtMs: number;
  /** When it leaves or vanishes, if it does before the end. */
  departAtMs: number | null;
  departure: 'leave' | 'vanish' | null;
  nextHeartbeatMs: number;
}

/**
 * Realistic audience traffic for one live: arrivals spread over time,
 * heartbeats at a third of the TTL, some viewers leaving and some vanishing without leaving. The
 * expected count is known at every moment, so the server's count can be checked against it.
 */
export class ViewerSimulation {
  private readonly options: Required<SimulationOptions>;
  private readonly viewers: SimulatedViewer[];
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight = new Set<Promise<unknown>>();
  private errors = 0;
  private lastError: string | null = null;

  constructor(options: SimulationOptions) {
    this.options = { viewerPrefix: `sim-${Date.now().toString(36)}`, random: Math.random, ...options };
    const { audience, rampSeconds, leaveRate, crashRate, durationSeconds, random, viewerPrefix } = this.options;
    const durationMs = durationSeconds * 1_000;
    this.viewers = Array.from({ length: audience }, (_, index) => {
      const arriveAtMs = random() * Math.min(rampSeconds, durationSeconds) * 1_000;
      const roll = random();
      const departure = roll < leaveRate ? 'leave' : roll < leaveRate + crashRate ? 'vanish' : null;
      const departAtMs = departure ? arriveAtMs + random() * (durationMs - arriveAtMs) : null;
      return {
        id: `${viewerPrefix}-${index}`,
        state: 'waiting',
        arriveAtMs,
        departAtMs,
        departure,
        nextHeartbeatMs: 0,
      };
    });
  }

  start(): void {
    this.startedAt = Date.now();
    // One scheduler tick drives every viewer: no timer per viewer.
    this.timer = setInterval(() => this.tick(), 50);
  }

  /** Stops generating traffic (viewers still watching simply stop, as if the simulation were paused). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Resolves when every planned arrival and departure has happened. Viewers still watching keep
   * sending heartbeats until `stop`, so the server's count can be compared at leisure.
   */
  async planned(): Promise<void> {
    const settled = (viewer: SimulatedViewer) =>
      viewer.state !== 'waiting' && (viewer.departure === null || viewer.state !== 'watching');
    while (!this.stopped && !this.viewers.every(settled)) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Every viewer still watching leaves properly (used when a demo is switched off). */
  async leaveAll(): Promise<void> {
    await this.stop();
    await Promise.allSettled(
      this.viewers
        .filter((viewer) => viewer.state === 'watching')
        .map(async (viewer) => {
          viewer.state = 'left';
          await this.call(() => this.options.viewers.leave({ liveId: this.options.liveId, viewerId: viewer.id }));
        }),
    );
  }

  progress(): SimulationProgress {
    const count = (state: ViewerState) => this.viewers.filter((viewer) => viewer.state === state).length;
    const watching = count('watching');
    const left = count('left');
    const vanished = count('vanished');
    return {
      elapsedSeconds: this.startedAt ? (Date.now() - this.startedAt) / 1_000 : 0,
      arrived: watching + left + vanished,
      watching,
      left,
      vanished,
      errors: this.errors,
      lastError: this.lastError,
    };
  }

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now() - this.startedAt;
    const { viewers: calls, liveId, ttlMs } = this.options;
    const heartbeatEvery = ttlMs / 3;
    for (const viewer of this.viewers) {
      if (viewer.state === 'waiting' && now >= viewer.arriveAtMs) {
        viewer.state = 'watching';
        viewer.nextHeartbeatMs = now + heartbeatEvery;
        void this.call(() => calls.join({ liveId, viewerId: viewer.id }));
      } else if (viewer.state === 'watching') {
        if (viewer.departAtMs !== null && now >= viewer.departAtMs) {
          if (viewer.departure === 'vanish') {
            viewer.state = 'vanished';
          } else {
            viewer.state = 'left';
            void this.call(() => calls.leave({ liveId, viewerId: viewer.id }));
          }
        } else if (now >= viewer.nextHeartbeatMs) {
          viewer.nextHeartbeatMs = now + heartbeatEvery;
          void this.call(() => calls.heartbeat({ liveId, viewerId: viewer.id }));
        }
      }
    }
  }

  private call(request: () => Promise<unknown>): Promise<unknown> {
    const pending = request()
      .catch((error: unknown) => {
        this.errors++;
        this.lastError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.inFlight.delete(pending));
    this.inFlight.add(pending);
    return pending;
  }
}
