import { describeTraffic } from './run-checks';
import type { CheckReport } from './types';

const MARK = { passed: 'PASS', 'passed-with-warnings': 'PASS (with warnings)', failed: 'FAIL' } as const;

/** The check report for people: per client, build, changes, operations, lint, and the verdict. */
export function formatReport(report: CheckReport): string {
  const lines = [`Schema check of ${report.proposal} against ${report.baseline}: ${MARK[report.outcome]}`];
  lines.push(report.traffic ? `Traffic: ${report.traffic}` : 'Traffic: none read (breaking changes are judged by registered operations only)');
  for (const client of report.clients) {
    lines.push('', `${client.client}: ${MARK[client.outcome]}`);
    if (!client.build.ok) {
      lines.push('  build: failed');
      for (const error of client.build.errors) lines.push(`    ${error.code}: ${error.message}`);
      continue;
    }
    lines.push('  build: composes');
    const bySeverity = (s: string) => client.changes.filter((c) => c.severity === s);
    lines.push(`  changes: ${bySeverity('breaking').length} breaking, ${bySeverity('dangerous').length} dangerous, ${bySeverity('safe').length} safe`);
    for (const change of client.changes) {
      const label = change.conditional ? 'conditional breaking' : change.severity;
      lines.push(`    ${label.padEnd(9)} ${change.code}: ${change.description} (${change.reason})`);
      if (change.traffic) {
        lines.push(`      traffic on ${change.coordinate} in the last ${change.traffic.windowDays} days: ${change.traffic.requests ? describeTraffic(change.traffic) : 'none'}`);
      }
    }
    lines.push(`  operations: ${client.operations.checked} checked, ${client.operations.broken.length} broken`);
    for (const op of client.operations.broken) {
      const where = op.appVersions.length ? `app ${op.appVersions.join(', ')}` : op.source;
      lines.push(`    ${op.name} (${where}):`);
      for (const error of op.errors) lines.push(`      ${error.message}`);
    }
    for (const skipped of client.operations.skipped) lines.push(`    skipped ${skipped.source}: ${skipped.reason}`);
    lines.push(`  lint: ${client.lint.filter((f) => f.severity === 'error').length} error(s), ${client.lint.filter((f) => f.severity === 'warn').length} warning(s)`);
    for (const finding of client.lint) lines.push(`    ${finding.severity.padEnd(5)} ${finding.rule}: ${finding.message}`);
    for (const line of client.summary) lines.push(`  => ${line}`);
  }
  return lines.join('\n');
}
