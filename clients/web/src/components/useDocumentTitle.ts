import { useEffect } from 'react';

/** The page's `<title>`: what the tab, the history and search results show. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);
}
