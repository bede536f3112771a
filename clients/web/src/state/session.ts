import { useSyncExternalStore } from 'react';

/** The signed-in visitor: a bearer token and who it names, kept for this tab's session. */
export interface Session {
  token: string;
  expiresAt: string;
  user: { id: string; name: string };
}

const KEY = 'storefront.session';
const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function read(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (raw !== cached.raw) {
    let session: Session | null = null;
    try {
      session = raw ? (JSON.parse(raw) as Session) : null;
    } catch {
      session = null;
    }
    cached = { raw, session };
  }
  // An expired token would only earn a 401: treat it as signed out at once.
  if (cached.session && Date.parse(cached.session.expiresAt) <= Date.now()) return null;
  return cached.session;
}

/**
 * Session storage, not local storage: a token should not outlive the tab that signed in,
 * and a shared computer's next visitor should not find it.
 */
export const session = {
  current: read,
  token: (): string | null => read()?.token ?? null,
  signIn(value: Session): void {
    sessionStorage.setItem(KEY, JSON.stringify(value));
    listeners.forEach((notify) => notify());
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
    listeners.forEach((notify) => notify());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.current);
}
