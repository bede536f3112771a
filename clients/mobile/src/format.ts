/** A DateTime (ISO-8601) as a short local date, e.g. "3 Dec 2025". */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** An enum value as a label: `PLACED` → "Placed". */
export function formatEnum(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase();
}
