import { useMemo } from 'react';

const ALLOWED_TAGS = new Set(['P', 'UL', 'OL', 'LI', 'STRONG', 'EM', 'B', 'I', 'BR', 'H2', 'H3', 'H4']);

/**
 * The catalog's HTML description, reduced to text formatting: no scripts, no attributes,
 * no links or images, whatever the catalog (or someone who reached it) put there.
 */
function sanitize(html: string): string {
  const document = new DOMParser().parseFromString(html, 'text/html');
  const clean = (node: Element) => {
    for (const child of [...node.children]) {
      if (!ALLOWED_TAGS.has(child.tagName)) {
        child.replaceWith(document.createTextNode(child.textContent ?? ''));
        continue;
      }
      for (const attribute of [...child.attributes]) child.removeAttribute(attribute.name);
      clean(child);
    }
  };
  clean(document.body);
  return document.body.innerHTML;
}

export function RichText({ html }: { html: string }) {
  const safe = useMemo(() => sanitize(html), [html]);
  return <div className="rich-text" dangerouslySetInnerHTML={{ __html: safe }} />;
}
