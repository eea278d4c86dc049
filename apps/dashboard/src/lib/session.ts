import { cookies, headers } from 'next/headers';

/**
 * The operator's session is the operator token itself, kept in an httpOnly cookie: scripts in the
 * page cannot read it, and only the dashboard server (sign-in, pages, the /api/trpc proxy) uses it.
 */
const SESSION_COOKIE = 'onair_operator';
const SESSION_SECONDS = 8 * 60 * 60;

export async function readOperatorToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value || undefined;
}

/** Only in a server action or route handler: cookies cannot change once a page has started streaming. */
export async function startSession(token: string): Promise<void> {
  const cookieStore = await cookies();
  cookieStore.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    // Secure whenever the operator came over HTTPS (directly or through a TLS-terminating proxy);
    // plain HTTP on a developer's machine still needs the cookie to work.
    secure: ((await headers()).get('x-forwarded-proto') ?? '').startsWith('https'),
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

export async function endSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
