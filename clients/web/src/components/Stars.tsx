/** A rating as stars, with the number of ratings behind it when there are several. */
export function Stars({ average, count }: { average: number; count?: number }) {
  const rounded = Math.round(average);
  const label = count === undefined ? `Rated ${average} out of 5` : `Rated ${average.toFixed(1)} out of 5 by ${count} reviewers`;
  return (
    <span className="stars" aria-label={label}>
      {'★'.repeat(rounded)}
      {'☆'.repeat(5 - rounded)}
      {count !== undefined && <span className="count"> ({count})</span>}
    </span>
  );
}
