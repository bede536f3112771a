/** Where to sign in, coming back to `next` afterwards. */
export const signInPath = (next: string) => `/sign-in?next=${encodeURIComponent(next)}`;
