import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { signInPath } from '../paths';
import { useSession } from '../state/session';

/** Pages that only make sense signed in send the visitor to sign in first, and back afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const signedIn = useSession();
  const location = useLocation();
  if (!signedIn) return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  return <>{children}</>;
}
