import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '@bff/platform';

/** Every Markdown file of the repository (not dependencies, not data). */
function markdownFiles(dir = REPO_ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', '.data'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) markdownFiles(path, out);
    else if (entry.name.endsWith('.md')) out.push(path);
  }
  return out;
}

// A newcomer reads these in a fresh clone: every relative link must land inside it.
test('every relative link of the docs resolves to a file inside the repository', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue;
      const path = join(dirname(file), target!.split('#')[0]!);
      const inside = !relative(REPO_ROOT, path).startsWith('..');
      if (!inside || !existsSync(path)) broken.push(`${relative(REPO_ROOT, file)}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
