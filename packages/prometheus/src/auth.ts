import { createHash, timingSafeEqual } from 'node:crypto';

/** Credentials a scraper must send: a bearer token, or basic-auth user and password. */
export type MetricsAuth = { bearerToken: string } | { username: string; password: string };

export interface AuthCheck {
  /** True when the `Authorization` header carries the configured credentials. */
  allows(header: string | null | undefined): boolean;
  /** The `WWW-Authenticate` challenge for a 401. */
  challenge: string;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Validates `auth` once, at setup. Throws a TypeError naming the option when it
 * is malformed: serving the endpoint without the auth the user asked for would be worse.
 */
export function createAuthCheck(auth: MetricsAuth | undefined): AuthCheck | undefined {
  if (auth === undefined) return undefined;
  let expected: string;
  let challenge: string;
  if ('bearerToken' in auth && typeof auth.bearerToken === 'string' && auth.bearerToken !== '') {
    expected = `Bearer ${auth.bearerToken}`;
    challenge = 'Bearer realm="metrics"';
  } else if (
    'username' in auth &&
    typeof auth.username === 'string' &&
    typeof auth.password === 'string' &&
    auth.username !== '' &&
    !auth.username.includes(':')
  ) {
    expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    challenge = 'Basic realm="metrics", charset="UTF-8"';
  } else {
    throw new TypeError(
      'mcpmeter: the metrics endpoint option "auth" must be { bearerToken: "<non-empty token>" } or { username: "<name without a colon>", password: "<password>" }.',
    );
  }
  const want = digest(expected);
  return {
    challenge,
    allows(header) {
      if (typeof header !== 'string') return false;
      // Compare digests so the time taken says nothing about the secret or its length.
      return timingSafeEqual(digest(header.trim()), want);
    },
  };
}
