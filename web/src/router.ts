import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/runs/ID`): the API serves one index.html at `/`, so the page's own paths
 * never reach it, and a reload or a shared link lands on the same view.
 */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const link = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
