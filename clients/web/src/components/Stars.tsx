/** A product's rating as stars and a count. */
export function Stars({ average, count }: { average: number; count: number }) {
  const rounded = Math.round(average);
  return (
    <span className="stars" aria-label={`Rated ${average.toFixed(1)} out of 5 by ${count} reviewers`}>
      {'★'.repeat(rounded)}
      {'☆'.repeat(5 - rounded)} <span className="count">({count})</span>
    </span>
  );
}
