import { useState } from 'react';

/** "Load more" for a cursor-paginated list: disabled while the next page is on its way. */
export function LoadMore({ hasMore, load, label = 'Load more' }: { hasMore: boolean; load: () => Promise<unknown>; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!hasMore) return null;
  const click = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await load();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="load-more">
      <button type="button" onClick={click} disabled={busy}>
        {busy ? 'Loading…' : failed ? 'Try again' : label}
      </button>
    </div>
  );
}
