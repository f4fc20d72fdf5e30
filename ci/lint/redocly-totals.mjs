// Reads the JSON report of `redocly lint --format=json` (the file named by argv[2]), prints each
// problem and the totals, and fails on any error or warning: Redocly's own exit status counts only
// errors. What is ignored on purpose is listed, with why, in .redocly.lint-ignore.yaml.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { errors, warnings, ignored } = report.totals;
for (const problem of report.problems) {
  const where = problem.location.map((l) => l.pointer).join(', ');
  console.log(`  ${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}`);
}
console.log(
  `Redocly ${report.version} (recommended): ${errors} errors, ${warnings} warnings, ` +
    `${ignored} ignored with a reason (ci/lint/.redocly.lint-ignore.yaml)`,
);
process.exit(errors + warnings === 0 ? 0 : 1);
