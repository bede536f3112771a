import { savedSession } from './saved-session';
import { isExpired, type Session } from './session';

/**
 * The current session, outside React: the Apollo links read the token from it for each
 * request, and screens follow it through useSession. One instance per app.
 */
export interface SessionStore {
  /** The session, or null when signed out or once its token has expired. */
  current(): Session | null;
  signIn(session: Session): void;
  signOut(): void;
  subscribe(listener: () => void): () => void;
}

export function createSessionStore(): SessionStore {
  let session = savedSession.read();
  if (session && isExpired(session)) {
    savedSession.clear();
    session = null;
  }
  const listeners = new Set<() => void>();
  const change = (next: Session | null) => {
    session = next;
    if (next) savedSession.write(next);
    else savedSession.clear();
    for (const listener of listeners) listener();
  };
  return {
    current: () => (session && !isExpired(session) ? session : null),
    signIn: (next) => change(next),
    signOut: () => change(null),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
