import type { ViewerCalls } from '@onair/api/simulation';
import { type OnAirClient, ViewerSession } from '@onair/client';
import { SignJWT } from 'jose';

/**
 * How simulated viewers prove who they are:
 * - `open`: bare viewer ids (a server in VIEWER_AUTH=open);
 * - `token`: tokens signed with the server's VIEWER_TOKEN_SECRET, as a platform's backend would;
 * - `guest`: no identity; each viewer keeps the guest token it is given (budgeted per address).
 */
export type SimulatedIdentity = { kind: 'open' } | { kind: 'guest' } | { kind: 'token'; secret: string };

/** The simulation's viewer calls through the typed client, one ViewerSession per simulated viewer. */
export function simulatedViewerCalls(client: OnAirClient, identity: SimulatedIdentity): ViewerCalls {
  const sessions = new Map<string, Promise<ViewerSession>>();
  const key = identity.kind === 'token' ? new TextEncoder().encode(identity.secret) : undefined;
  const sessionOf = (liveId: string, viewerId: string) => {
    let session = sessions.get(viewerId);
    if (!session) {
      session = (async () => {
        if (identity.kind === 'open') return new ViewerSession(client, { liveId, viewerId });
        if (identity.kind === 'guest' || !key) return new ViewerSession(client, { liveId });
        const viewerToken = await new SignJWT({ live: liveId })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(viewerId)
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(key);
        return new ViewerSession(client, { liveId, viewerToken });
      })();
      sessions.set(viewerId, session);
    }
    return session;
  };
  return {
    join: async ({ liveId, viewerId }) => (await sessionOf(liveId, viewerId)).join(),
    heartbeat: async ({ liveId, viewerId }) => (await sessionOf(liveId, viewerId)).heartbeat(),
    leave: async ({ liveId, viewerId }) => (await sessionOf(liveId, viewerId)).leave(),
  };
}
