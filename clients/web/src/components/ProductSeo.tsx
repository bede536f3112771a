import { useEffect } from 'react';
import type { ProductPageQuery } from '../gql/graphql';
import { useDocumentTitle } from './useDocumentTitle';

type Seo = NonNullable<ProductPageQuery['product']>['seo'];

/** What search engines and link previews read: the title, the description, the canonical URL and the JSON-LD. */
export function ProductSeo({ seo }: { seo: Seo }) {
  useDocumentTitle(seo.title);
  useEffect(() => {
    const added: Element[] = [];
    const add = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, text?: string) => {
      const element = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      if (text !== undefined) element.textContent = text;
      document.head.append(element);
      added.push(element);
    };
    add('meta', { name: 'description', content: seo.description });
    add('link', { rel: 'canonical', href: seo.canonicalUrl });
    // Data, not a script: the browser does not run it, and the page's CSP allows it.
    add('script', { type: 'application/ld+json' }, seo.jsonLd);
    return () => added.forEach((element) => element.remove());
  }, [seo]);
  return null;
}
