import { SetContextLink } from '@apollo/client/link/context';

/** Adds the signed-in user's bearer token, read when each operation starts (it may have just changed). */
export function authLink(accessToken: () => string | undefined): SetContextLink {
  return new SetContextLink((previous) => {
    const token = accessToken();
    return token ? { headers: { ...previous.headers, authorization: `Bearer ${token}` } } : {};
  });
}
