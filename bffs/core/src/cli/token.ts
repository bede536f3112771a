import { parseArgs } from 'node:util';
import { DEVELOPMENT_JWT, mintToken } from '../auth/authenticator';
import { readJwtConfig } from '../config';

const USAGE = 'usage: npm run token -- --user <id> [--scopes "orders:read orders:write"] [--ttl <seconds>]';

/** `npm run token`: a local HS256 token the BFFs accept (JWT_SECRET / JWT_ISSUER / JWT_AUDIENCE, else the development ones). */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { user: { type: 'string' }, scopes: { type: 'string' }, ttl: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.user) {
    console.error(`--user is required\n${USAGE}`);
    return 2;
  }
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    console.error(`--ttl must be a positive number of seconds\n${USAGE}`);
    return 2;
  }
  const config = readJwtConfig(process.env);
  if (!config.secret) {
    console.error('JWKS_URL is set: tokens come from the identity provider, not from here.');
    return 2;
  }
  const scopes = (values.scopes ?? '').split(/[\s,]+/).filter(Boolean);
  console.log(await mintToken(config.secret === DEVELOPMENT_JWT.secret ? DEVELOPMENT_JWT : config, values.user, scopes, ttl));
  return 0;
}

main().then((code) => process.exit(code));
