/**
 * The tags a cache entry is cleared by: every `id` in the given values (a reply's data, an
 * entity and its representation). Ids are unique within a type, and an id that happens to be
 * another type's only clears a little more than it must; an entry whose objects carry no id
 * cannot be cleared by a change and lives out its max-age.
 */
export function idTags(...values: unknown[]): string[] {
  const tags = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [field, inner] of Object.entries(value)) {
      if (field === 'id' && (typeof inner === 'string' || typeof inner === 'number')) tags.add(`id:${inner}`);
      else visit(inner);
    }
  };
  values.forEach(visit);
  return [...tags];
}
