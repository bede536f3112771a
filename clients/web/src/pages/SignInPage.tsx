import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { session, type Session } from '../state/session';

interface SeededUser {
  id: string;
  name: string;
}

type Users = { state: 'loading' } | { state: 'ready'; users: SeededUser[] } | { state: 'unavailable'; message: string };

/**
 * Local sign-in: pick one of the development dataset's users and get a short-lived token
 * from the BFF. In production the BFF has no such route (tokens come from the identity
 * provider); the page says so instead of offering it.
 */
export function SignInPage() {
  useDocumentTitle('Sign in · Storefront');
  const navigate = useNavigate();
  const client = useApolloClient();
  const [params] = useSearchParams();
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/';
  const [users, setUsers] = useState<Users>({ state: 'loading' });
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    fetch('/auth/dev/users', { signal: controller.signal })
      .then(async (response) => {
        if (response.status === 404) return setUsers({ state: 'unavailable', message: 'Sign-in goes through your identity provider here.' });
        if (!response.ok) return setUsers({ state: 'unavailable', message: 'Sign-in is not available right now. Try again in a moment.' });
        setUsers({ state: 'ready', users: ((await response.json()) as { users: SeededUser[] }).users });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setUsers({ state: 'unavailable', message: `Sign-in is not available right now (${(error as Error).message}).` });
      });
    return () => controller.abort();
  }, []);

  const signIn = async (userId: string) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const response = await fetch('/auth/dev/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      if (!response.ok) throw new Error(`the sign-in answered ${response.status}`);
      session.signIn((await response.json()) as Session);
      // What was cached for the anonymous visitor (or another user) is not this user's.
      await client.clearStore();
      void navigate(next, { replace: true });
    } catch (error) {
      setFailure(`Could not sign in: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      {users.state === 'loading' && <p className="loading">Loading…</p>}
      {users.state === 'unavailable' && <p className="notice">{users.message}</p>}
      {users.state === 'ready' && (
        <>
          <p>Development sign-in: choose a user of the sample data. The token lasts 15 minutes.</p>
          <ul className="users">
            {users.users.map((user) => (
              <li key={user.id}>
                <button type="button" onClick={() => void signIn(user.id)} disabled={busy}>
                  {user.name} <span className="meta">{user.id}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {failure && (
        <p className="notice error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
