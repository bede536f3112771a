import type { Session } from './session';

/** One of the seeded users the development sign-in offers. */
export interface DevUser {
  id: string;
  name: string;
}

/**
 * The BFF's development sign-in (same origin, under /auth/dev/): pick a seeded user, get a
 * short-lived token. A production build signs in with the identity provider instead.
 */
export async function listDevUsers(): Promise<DevUser[]> {
  const body = await requestJson('/auth/dev/users', { headers: { accept: 'application/json' } });
  return (body as { users: DevUser[] }).users;
}

export async function signInAs(userId: string): Promise<Session> {
  const body = await requestJson('/auth/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ userId }),
  });
  return body as Session;
}

/** Raised with the server's own message (its `errors[0].message`) when it has one. */
export class SignInError extends Error {
  override name = 'SignInError';
}

async function requestJson(path: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(path, init);
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && body !== undefined) return body;
  if (response.status === 404) throw new SignInError('Sign-in is not available on this server.');
  const message = (body as { errors?: { message?: string }[] } | undefined)?.errors?.[0]?.message;
  throw new SignInError(message ?? `Sign-in failed (HTTP ${response.status}).`);
}
