/** A signed-in user as the dev sign-in returns it (and, on a device, the identity provider would). */
export interface Session {
  token: string;
  /** ISO-8601: after this the BFF refuses the token (401), so the app stops sending it. */
  expiresAt: string;
  user: { id: string; name: string };
}

export function isExpired(session: Session, now = Date.now()): boolean {
  return Date.parse(session.expiresAt) <= now;
}
