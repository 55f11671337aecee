/**
 * `npm run bench`, secret-detector part: how many environment variables a second the plaintext-secret
 * detector examines (target ≥ 50,000, median of 5 runs of 200 ms over the labelled set). A bench, not a
 * test: a figure that depends on the machine's load has no place in a pass/fail suite.
 */
import { performance } from 'node:perf_hooks';
import { detectPlaintextSecrets } from '../functions/shared/secrets/env-secret-detector';
import { LABELLED_ENV_VARS } from '../test/functions/shared/secrets/labelled-env-vars';
import { median } from './stats';

export const SECRET_DETECTOR_TARGET = 50_000;

export function secretDetectorBench(): { readonly variablesPerSecondMedian: number; readonly runs: number; readonly target: number; readonly met: boolean } {
  // Environments of ten variables, as functions have them.
  const environments = Array.from({ length: Math.ceil(LABELLED_ENV_VARS.length / 10) }, (_, index) =>
    Object.fromEntries(LABELLED_ENV_VARS.slice(index * 10, index * 10 + 10).map((entry, offset) => [`${entry.name}_${String(offset)}`, entry.value])),
  );
  for (let warmUp = 0; warmUp < 20; warmUp += 1) for (const environment of environments) detectPlaintextSecrets(environment);
  const rates: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const start = performance.now();
    let examined = 0;
    while (performance.now() - start < 200) {
      for (const environment of environments) detectPlaintextSecrets(environment);
      examined += LABELLED_ENV_VARS.length;
    }
    rates.push((examined / (performance.now() - start)) * 1000);
  }
  const perSecond = Math.round(median(rates));
  return { variablesPerSecondMedian: perSecond, runs: rates.length, target: SECRET_DETECTOR_TARGET, met: perSecond >= SECRET_DETECTOR_TARGET };
}

export function describeSecretDetector(result: ReturnType<typeof secretDetectorBench>): string {
  return `secret detector: median ${String(result.variablesPerSecondMedian)} variables/s over ${String(result.runs)} runs (target ≥ ${String(result.target)}): ${result.met ? 'met' : 'NOT met'}`;
}
