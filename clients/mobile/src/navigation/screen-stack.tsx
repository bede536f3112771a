import { createContext, useContext, useMemo, useState } from 'react';
import type { Route } from './routes';

/** A screen on the stack; the key keeps its component (and its scroll position) while others open over it. */
export interface StackEntry {
  key: number;
  route: Route;
}

export interface Navigation {
  push(route: Route): void;
  /** Closes the top screen; the first screen stays. */
  back(): void;
  /** Opens the sign-in screen over the current one, once however many requests ask for it. */
  showSignIn(): void;
}

/**
 * Navigation as a native stack does it, in React state: screens open on top of each other
 * and stay mounted underneath. All the app needs, without a navigation library.
 */
export function useScreenStack(initial: Route): { entries: StackEntry[]; navigation: Navigation } {
  const [entries, setEntries] = useState<StackEntry[]>([{ key: 0, route: initial }]);
  const navigation = useMemo<Navigation>(
    () => ({
      push: (route) => setEntries((stack) => withOnTop(stack, route)),
      back: () => setEntries((stack) => (stack.length > 1 ? stack.slice(0, -1) : stack)),
      showSignIn: () => setEntries((stack) => (stack.at(-1)!.route.name === 'sign-in' ? stack : withOnTop(stack, { name: 'sign-in' }))),
    }),
    [],
  );
  return { entries, navigation };
}

function withOnTop(stack: StackEntry[], route: Route): StackEntry[] {
  return [...stack, { key: stack.at(-1)!.key + 1, route }];
}

const NavigationContext = createContext<Navigation | null>(null);
export const NavigationProvider = NavigationContext.Provider;

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation needs a NavigationProvider');
  return navigation;
}
