import { createPublicKey, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { errors as jose, jwtVerify, SignJWT } from 'jose';
import { Counter, type Registry } from 'prom-client';
import { ForbiddenError, InvalidFieldError, TooManyRequestsError, UnauthorizedError } from '../errors';
import type { GuestBudget } from './guest-budget';
import { viewerIdSchema } from './schema';

/** `token`: a viewer is who a signed token says; `open`: whoever the caller says (development, tests). */
export type ViewerAuth = 'token' | 'open';

/** What a caller presents for a viewer: a signed token, or in `open` mode a bare id. */
export interface ViewerCredentials {
  liveId: string;
  viewerId?: string | undefined;
  viewerToken?: string | undefined;
}

export type RefusalReason =
  | 'no-token'
  | 'bare-viewer-id'
  | 'invalid-token'
  | 'expired-token'
  | 'other-live'
  | 'guest-budget';

export interface ViewerIdentityOptions {
  mode: ViewerAuth;
  /** HS256 secret: verifies platform tokens and signs guest tokens. */
  secret?: string | undefined;
  /** ES256 or RS256 public key (PEM) of a platform that signs its own tokens. */
  publicKey?: string | undefined;
  guestBudget: GuestBudget;
  registry: Registry;
  /** How long a guest token is good for. */
  guestTokenTtlSeconds?: number;
}

/**
 * Who a viewer call is for. Tokens are JWTs: `sub` is the viewer id, `exp` is required, an optional
 * `live` claim limits a token to one live. Only the algorithms of the configured keys are accepted
 * (HS256 for the secret, ES256 or RS256 for the public key): `alg: none`, and a token signed with the
 * public key used as an HMAC secret, are refused by jose before any key is used.
 */
export class ViewerIdentity {
  readonly mode: ViewerAuth;
  private readonly hmacKey: KeyObject | undefined;
  private readonly publicKey: KeyObject | undefined;
  private readonly publicAlgorithm: 'ES256' | 'RS256' | undefined;
  private readonly algorithms: string[];
  private readonly guestBudget: GuestBudget;
  private readonly guestTokenTtlSeconds: number;
  private readonly refusals: Counter<'reason'>;
  private readonly guestsMinted: Counter;

  constructor(options: ViewerIdentityOptions) {
    this.mode = options.mode;
    this.hmacKey = options.secret ? createSecretKey(Buffer.from(options.secret, 'utf8')) : undefined;
    this.publicKey = options.publicKey ? createPublicKey(options.publicKey) : undefined;
    this.publicAlgorithm =
      this.publicKey?.asymmetricKeyType === 'ec'
        ? 'ES256'
        : this.publicKey?.asymmetricKeyType === 'rsa'
          ? 'RS256'
          : undefined;
    if (this.publicKey && !this.publicAlgorithm)
      throw new Error('VIEWER_TOKEN_PUBLIC_KEY must be an EC (P-256) or RSA public key');
    this.algorithms = [...(this.hmacKey ? ['HS256'] : []), ...(this.publicAlgorithm ? [this.publicAlgorithm] : [])];
    this.guestBudget = options.guestBudget;
    this.guestTokenTtlSeconds = options.guestTokenTtlSeconds ?? 12 * 3_600;
    this.refusals = new Counter({
      name: 'onair_viewer_refusals_total',
      help: 'Viewer calls refused for their identity, by reason',
      labelNames: ['reason'] as const,
      registers: [options.registry],
    });
    this.guestsMinted = new Counter({
      name: 'onair_viewer_guests_minted_total',
      help: 'Guest viewers minted (joins without a token)',
      registers: [options.registry],
    });
  }

  /**
   * The viewer a join is for: the token's subject; a bare id in `open` mode; else a guest minted
   * now, within the client address's budget, returned with the token it will heartbeat and leave with.
   */
  async forJoin(
    credentials: ViewerCredentials,
    clientAddress: string,
  ): Promise<{ viewerId: string; viewerToken?: string }> {
    if (credentials.viewerToken) return { viewerId: await this.verify(credentials.liveId, credentials.viewerToken) };
    if (credentials.viewerId !== undefined) return { viewerId: this.bareId(credentials.viewerId) };
    return this.mintGuest(credentials.liveId, clientAddress);
  }

  /** The viewer a heartbeat or a leave is for: only the token's subject can act as itself. */
  async forPresence(credentials: ViewerCredentials): Promise<string> {
    if (credentials.viewerToken) return this.verify(credentials.liveId, credentials.viewerToken);
    if (credentials.viewerId !== undefined) return this.bareId(credentials.viewerId);
    if (this.mode === 'token')
      throw this.refuse('no-token', 'viewerToken is required: heartbeat and leave with the token you joined with');
    throw new InvalidFieldError('viewerId', 'is required (or a viewerToken)');
  }

  private bareId(viewerId: string): string {
    if (this.mode === 'open') return viewerId;
    throw this.refuse('bare-viewer-id', 'viewerToken is required: a bare viewerId proves nothing on this server');
  }

  private async mintGuest(liveId: string, clientAddress: string): Promise<{ viewerId: string; viewerToken: string }> {
    if (!this.hmacKey) {
      throw this.refuse('no-token', 'viewerToken is required: this server takes no guests (no VIEWER_TOKEN_SECRET)');
    }
    const waitMs = await this.guestBudget.take(clientAddress);
    if (waitMs > 0) {
      this.refusals.inc({ reason: 'guest-budget' });
      const seconds = Math.ceil(waitMs / 1_000);
      throw new TooManyRequestsError(
        `Too many guest viewers from this address; retry in ${seconds} s or join with a viewerToken`,
        seconds,
      );
    }
    const viewerId = `guest-${randomBytes(12).toString('base64url')}`;
    const viewerToken = await new SignJWT({ live: liveId, guest: true })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(viewerId)
      .setIssuedAt()
      .setExpirationTime(`${this.guestTokenTtlSeconds}s`)
      .sign(this.hmacKey);
    this.guestsMinted.inc();
    return { viewerId, viewerToken };
  }

  /** The token's subject, or a refusal: 401 for any bad token, 403 for a token of another live. */
  private async verify(liveId: string, token: string): Promise<string> {
    let payload: { sub?: string; live?: unknown };
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          if (header.alg === 'HS256' && this.hmacKey) return this.hmacKey;
          if (header.alg === this.publicAlgorithm && this.publicKey) return this.publicKey;
          throw new jose.JOSEAlgNotAllowed('alg not allowed');
        },
        { algorithms: this.algorithms, requiredClaims: ['exp', 'sub'], clockTolerance: 5 },
      ));
    } catch (error) {
      if (error instanceof jose.JWTExpired) throw this.refuse('expired-token', 'viewerToken has expired');
      throw this.refuse('invalid-token', 'viewerToken is not valid (signature, algorithm or claims)');
    }
    const subject = viewerIdSchema.safeParse(payload.sub);
    if (!subject.success) throw this.refuse('invalid-token', 'viewerToken is not valid: its sub is not a viewer id');
    if (
      payload.live !== undefined &&
      (typeof payload.live !== 'string' || payload.live.toLowerCase() !== liveId.toLowerCase())
    ) {
      this.refusals.inc({ reason: 'other-live' });
      throw new ForbiddenError('viewerToken is for another live');
    }
    return subject.data;
  }

  private refuse(reason: RefusalReason, message: string): UnauthorizedError {
    this.refusals.inc({ reason });
    return new UnauthorizedError(message);
  }
}
