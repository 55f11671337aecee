/**
 * `npm run preview`: renders the Slack messages of a few scenarios (produced by the real notifier,
 * see `slack-scenarios.ts`) to `docs/slack/<scenario>.html`, then to `docs/slack/<scenario>.png` in
 * headless Chromium. Without Chromium it writes the HTML, says how to install it, and exits 1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pageHtml } from './block-kit-html';
import { buildSlackScenarios, PREVIEW_USERS } from './slack-scenarios';

const OUT = fileURLToPath(new URL('../docs/slack/', import.meta.url));
/** CSS pixels; the PNGs are twice that (device scale factor 2). */
const WIDTH = 760;
const SCALE = 2;
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export const INSTALL_HINT = [
  'Headless Chromium is needed to turn the HTML into PNG.',
  'On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y chromium fonts-noto-color-emoji fonts-lato',
  'Or point CHROMIUM at a Chrome or Chromium binary: CHROMIUM=/path/to/chrome npm run preview',
].join('\n');

/** `$CHROMIUM`, else the first Chromium or Chrome on PATH; null when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.CHROMIUM;
  if (explicit !== undefined && explicit !== '') return existsSync(explicit) ? explicit : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const candidate = join(dir, name);
      if (dir !== '' && existsSync(candidate)) return candidate;
    }
  }
  return null;
}

function chromiumArgs(profile: string): string[] {
  // Chromium refuses to start as root with its sandbox; the pages are local files whose CSP allows no script.
  const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return ['--headless', ...sandbox, `--user-data-dir=${profile}`, '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-extensions', '--mute-audio', `--force-device-scale-factor=${String(SCALE)}`, '--default-background-color=ffffffff'];
}

/** The page's height in CSS pixels, measured on a copy that may run one script. */
function measure(chromium: string, html: string, work: string, profile: string): number {
  const file = join(work, 'measure.html');
  const script = "<script>document.title = String(Math.ceil(document.querySelector('.page').getBoundingClientRect().height));</script>";
  writeFileSync(file, html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';").replace('</body>', `${script}</body>`));
  const dom = execFileSync(chromium, [...chromiumArgs(profile), `--window-size=${String(WIDTH)},200`, '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const height = /<title>(\d+)<\/title>/.exec(dom)?.[1];
  if (height === undefined) throw new Error('Chromium did not report the page height');
  return Number(height);
}

function screenshot(chromium: string, htmlFile: string, png: string, height: number, profile: string): void {
  execFileSync(chromium, [...chromiumArgs(profile), `--window-size=${String(WIDTH)},${String(height)}`, `--screenshot=${png}`, pathToFileURL(htmlFile).href], { timeout: 120_000, stdio: ['ignore', 'ignore', 'ignore'] });
  if (!existsSync(png)) throw new Error(`Chromium wrote no ${png}`);
}

async function main(): Promise<number> {
  const { pages } = await buildSlackScenarios();
  mkdirSync(OUT, { recursive: true });
  const written: { name: string; html: string; file: string }[] = [];
  for (const [name, page] of Object.entries(pages)) {
    const html = pageHtml(page, { users: PREVIEW_USERS });
    const file = join(OUT, `${name}.html`);
    writeFileSync(file, html);
    written.push({ name, html, file });
    console.log(`wrote docs/slack/${name}.html`);
  }
  const chromium = findChromium();
  if (chromium === null) {
    console.error(`\n${INSTALL_HINT}\nThe HTML is up to date; docs/slack/*.png were not updated.`);
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), 'warden-preview-'));
  try {
    for (const { name, html, file } of written) {
      const profile = join(work, `profile-${name}`);
      const height = measure(chromium, html, work, profile);
      screenshot(chromium, file, join(OUT, `${name}.png`), height, profile);
      console.log(`wrote docs/slack/${name}.png (${String(WIDTH * SCALE)}×${String(height * SCALE)})`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
