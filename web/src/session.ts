const KEY = 'trainyard.apiKey';

/**
 * The API key lives in sessionStorage only: it goes when the tab closes, is never written to
 * localStorage or a cookie, and nothing else of the user is stored.
 */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};
