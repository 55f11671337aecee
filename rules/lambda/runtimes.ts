/**
 * Lambda managed runtimes and their deprecation dates, as data (source: the AWS Lambda developer
 * guide, "Lambda runtimes" — https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 */

/** The page the dates come from; update the table when AWS announces or moves a date. */
export const RUNTIME_DEPRECATION_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html';

/**
 * Runtime identifier → deprecation date (UTC, `YYYY-MM-DD`): from that day Lambda stops patching
 * the runtime; creating and then updating functions on it are blocked some weeks later.
 */
export const RUNTIME_DEPRECATIONS: Readonly<Record<string, string>> = {
  'nodejs24.x': '2028-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs20.x': '2026-04-30',
  'nodejs18.x': '2025-09-01',
  'nodejs16.x': '2024-06-12',
  'nodejs14.x': '2023-12-04',
  'nodejs12.x': '2023-03-31',
  'nodejs10.x': '2021-07-30',
  'nodejs8.10': '2020-03-06',
  'nodejs6.10': '2019-08-12',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2020-03-05',
  nodejs: '2016-10-31',
  'python3.14': '2029-06-30',
  'python3.13': '2029-06-30',
  'python3.12': '2028-10-31',
  'python3.11': '2026-06-30',
  'python3.10': '2026-06-30',
  'python3.9': '2025-12-15',
  'python3.8': '2024-10-14',
  'python3.7': '2023-12-04',
  'python3.6': '2022-07-18',
  'python2.7': '2021-07-15',
  java25: '2029-06-30',
  java21: '2029-06-30',
  java17: '2026-06-30',
  java11: '2026-06-30',
  'java8.al2': '2026-06-30',
  java8: '2024-01-08',
  dotnet10: '2028-11-14',
  dotnet8: '2026-11-10',
  dotnet7: '2024-05-14',
  dotnet6: '2024-12-20',
  'dotnet5.0': '2022-05-10',
  'dotnetcore3.1': '2023-04-03',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore1.0': '2019-07-27',
  'ruby3.4': '2028-03-31',
  'ruby3.3': '2027-03-31',
  'ruby3.2': '2026-03-31',
  'ruby2.7': '2023-11-27',
  'ruby2.5': '2021-07-30',
  'provided.al2023': '2029-06-30',
  'provided.al2': '2026-06-30',
  provided: '2024-01-08',
  'go1.x': '2024-01-08',
};

/** Where a runtime stands on a given day. */
export type RuntimeStatus =
  | { readonly status: 'supported'; readonly deprecationDate: string | null }
  | { readonly status: 'deprecation-soon'; readonly deprecationDate: string; readonly daysLeft: number }
  | { readonly status: 'deprecated'; readonly deprecationDate: string }
  | { readonly status: 'unknown' };

const DAY_MS = 86_400_000;

/**
 * The status of `runtime` on `now`: deprecated from its deprecation date on, "soon" when the date
 * is at most `warningDays` away; `unknown` for an identifier not in the table (a newer runtime).
 */
export function runtimeStatus(runtime: string, now: Date, warningDays: number): RuntimeStatus {
  const date = RUNTIME_DEPRECATIONS[runtime];
  if (date === undefined) return { status: 'unknown' };
  const deprecatedAt = Date.parse(`${date}T00:00:00Z`);
  if (now.getTime() >= deprecatedAt) return { status: 'deprecated', deprecationDate: date };
  const daysLeft = Math.ceil((deprecatedAt - now.getTime()) / DAY_MS);
  if (daysLeft <= warningDays) return { status: 'deprecation-soon', deprecationDate: date, daysLeft };
  return { status: 'supported', deprecationDate: date };
}
