import type { Session } from './session';

const KEY = 'mobile-app.session';

/**
 * Where the session survives a restart. The web build uses localStorage; on a device this
 * module is where AsyncStorage (@react-native-async-storage/async-storage) would go, or,
 * better for a credential, the Keychain/Keystore (react-native-keychain). Both are
 * asynchronous: the app would read the session once behind its splash screen and keep
 * this synchronous interface for the rest of its life.
 */
export const savedSession = {
  read(): Session | null {
    try {
      const stored = localStorage.getItem(KEY);
      return stored === null ? null : (JSON.parse(stored) as Session);
    } catch {
      return null; // unreadable: as if signed out
    }
  },
  write(session: Session): void {
    localStorage.setItem(KEY, JSON.stringify(session));
  },
  clear(): void {
    localStorage.removeItem(KEY);
  },
};
