import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import manifest from '../../persisted-query-manifest.json';

/**
 * This build's operation ids, by name, from the manifest `npm run manifest` generated from
 * the same source (and that `npm run mobile:release` froze for the BFF's safelist): the app
 * never hashes at run time, so what it sends is exactly what the release registered.
 */
const manifestIds = generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest });

/**
 * Persisted queries as a shipped app uses them: the id only, always. The BFF runs nothing
 * but the operations of supported app versions, so there is no text to fall back to: an
 * id it does not know means this build is retired (PERSISTED_QUERY_NOT_IN_LIST, answered
 * with the update screen), and sending the text instead would be refused in production
 * (PERSISTED_QUERY_REQUIRED) anyway. `retry` and `disable` never switch to text; and
 * documentIdFetch refuses to send any that would get through.
 */
export function hashOnlyLink({ get }: { get: boolean }): PersistedQueryLink {
  return new PersistedQueryLink({
    generateHash: manifestIds.generateHash,
    disable: () => false,
    retry: () => false,
    // A GET can be kept by the HTTP cache and a CDN; mutations stay POST whatever this says.
    useGETForHashedQueries: get,
  });
}
