import { Navigate, useLocation } from 'react-router-dom';
import { classifyError } from '../apollo/error-kinds';
import { signInPath } from '../paths';

/**
 * What a page shows instead of its content when its query failed: sign-in for a 401, a
 * retry button for what may pass (a limit, a 5xx, a service down), the message otherwise.
 */
export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  const location = useLocation();
  const classified = classifyError(error);
  if (classified.kind === 'sign-in') return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  return (
    <div className="notice error" role="alert">
      <p>{classified.kind === 'retry' ? 'We could not load this just now.' : classified.message}</p>
      {classified.codes.length > 0 && <p className="code">{classified.codes.join(', ')}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
