import { useApolloClient } from '@apollo/client/react';
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { signInAs } from './dev-sign-in-api';
import type { Session } from './session';
import type { SessionStore } from './session-store';

const SessionContext = createContext<SessionStore | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  return <SessionContext.Provider value={store}>{children}</SessionContext.Provider>;
}

export interface SessionControls {
  session: Session | null;
  /** Signs in as a seeded user; rejects with the reason when that fails. */
  signIn(userId: string): Promise<void>;
  signOut(): Promise<void>;
}

/**
 * The session and its changes. The cache belongs to one user: it is emptied before a new
 * session takes effect, so nothing of a previous user shows under the new one, and when
 * the user signs out. (A 401 drops only the token, in App.tsx; the next sign-in empties the cache.)
 */
export function useSession(): SessionControls {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSession needs a SessionProvider');
  const client = useApolloClient();
  const session = useSyncExternalStore(store.subscribe, store.current);
  return {
    session,
    signIn: async (userId) => {
      const next = await signInAs(userId);
      await client.clearStore();
      store.signIn(next);
    },
    signOut: async () => {
      store.signOut();
      await client.clearStore();
    },
  };
}
