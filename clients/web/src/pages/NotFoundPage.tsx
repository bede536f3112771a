import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../components/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle('Not found · Storefront');
  return (
    <div className="notice">
      <h1>Nothing here</h1>
      <p>
        That page does not exist (any more). <Link to="/">Back to the shop</Link>
      </p>
    </div>
  );
}
