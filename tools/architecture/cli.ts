import { REPO_ROOT } from '@bff/platform';
import { checkImports, formatViolations } from './check-imports';

// npm run check:imports: the import check of `npm test`, on its own, with every violation listed.
const violations = checkImports(REPO_ROOT);
if (violations.length === 0) {
  console.log('imports: every package imports only what its layer allows, through entry points; no circles');
} else {
  console.error(formatViolations(violations));
  console.error(`\n${violations.length} import violation(s); the layers are in tools/architecture/layers.ts and ARCHITECTURE.md`);
  process.exit(1);
}
